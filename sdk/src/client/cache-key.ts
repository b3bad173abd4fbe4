// Cache keys built like the service's: SHA-256 of the token, never the token itself.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { DecisionAction, DecisionContext } from './types.js';

/**
 * SHA-256 of a token, base64url. Keys and logs only ever hold this digest.
 *
 * @param token - bearer token
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Key of one decision: token hash + server + canonical JSON of action and context.
 * The policy revision is not part of it because the SDK learns it only from the answer;
 * the short local TTL bounds how long an old revision's answer is reused.
 *
 * @param tokenHash - result of {@link hashToken}
 * @param server - server id
 * @param action - the action asked about
 * @param context - the request context, if any
 */
export function decisionCacheKey(tokenHash: string, server: string, action: DecisionAction, context: DecisionContext | undefined): string {
  return `${tokenHash}\u0000${server}\u0000${canonicalJson(action)}\u0000${context === undefined ? '' : canonicalJson(context)}`;
}

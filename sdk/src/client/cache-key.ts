// Cache keys built like the service's: the contract's token hash, never the token itself.
import { canonicalJson } from '@mcp-authz/contract';
import type { DecisionAction, DecisionContext } from './types.js';

/**
 * Key of one decision: token hash + server + canonical JSON of action and context.
 * The policy revision is not part of it because the SDK learns it only from the answer;
 * the short local TTL bounds how long an old revision's answer is reused.
 *
 * @param tokenHash - the contract's hashToken of the bearer token
 * @param server - server id
 * @param action - the action asked about
 * @param context - the request context, if any
 */
export function decisionCacheKey(tokenHash: string, server: string, action: DecisionAction, context: DecisionContext | undefined): string {
  return `${tokenHash}\u0000${server}\u0000${canonicalJson(action)}\u0000${context === undefined ? '' : canonicalJson(context)}`;
}

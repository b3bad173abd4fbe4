// WWW-Authenticate challenges (RFC 6750 §3, RFC 9728 §5.1, MCP step-up) sent by the middleware.
import type { Response } from 'express';

// RFC 7230 quoted-string: backslash-escape quotes and backslashes.
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Parameters of one Bearer challenge. */
export interface BearerChallenge {
  /** RFC 6750 error code; absent when the request carried no token at all. */
  error?: 'invalid_token' | 'insufficient_scope';
  errorDescription?: string;
  /** Space-separated scopes the client should request. */
  scope?: string[];
  /** RFC 9728 metadata URL of this resource. */
  resourceMetadata: string;
}

/**
 * Formats a `WWW-Authenticate: Bearer …` value.
 *
 * @param challenge - challenge parameters
 */
export function formatBearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.error) params.push(`error=${quote(challenge.error)}`);
  if (challenge.errorDescription) params.push(`error_description=${quote(challenge.errorDescription)}`);
  if (challenge.scope && challenge.scope.length > 0) params.push(`scope=${quote(challenge.scope.join(' '))}`);
  params.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  return `Bearer ${params.join(', ')}`;
}

/**
 * Answers 401 (no or invalid token) or 403 (insufficient scope) with the challenge and an
 * OAuth-style JSON body.
 *
 * @param res - express response
 * @param status - 401 or 403
 * @param challenge - challenge parameters
 */
export function sendChallenge(res: Response, status: 401 | 403, challenge: BearerChallenge): void {
  res
    .status(status)
    .set('www-authenticate', formatBearerChallenge(challenge))
    .json({ error: challenge.error ?? 'invalid_token', error_description: challenge.errorDescription ?? 'Missing bearer token' });
}

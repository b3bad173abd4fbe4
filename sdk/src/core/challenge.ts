// WWW-Authenticate challenges (RFC 6750 §3, RFC 9728 §5.1, MCP step-up) answered by the gate.

// RFC 7230 quoted-string: backslash-escape quotes and backslashes.
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Parameters of one Bearer challenge. */
export interface BearerChallenge {
  /** RFC 6750 error code; absent when the request carried no token at all. */
  error?: 'invalid_token' | 'insufficient_scope' | undefined;
  errorDescription?: string | undefined;
  /** Space-separated scopes the client should request. */
  scope?: readonly string[] | undefined;
  /** RFC 9728 metadata URL of this resource. */
  resourceMetadata: string;
}

/** An HTTP answer decided by the gate, independent of any framework. `body` undefined means no body. */
export interface GateAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
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
 * The 401 (no or invalid token) or 403 (insufficient scope) answer: the challenge and an
 * OAuth-style JSON body.
 *
 * @param status - 401 or 403
 * @param challenge - challenge parameters
 */
export function challengeAnswer(status: 401 | 403, challenge: BearerChallenge): GateAnswer {
  return {
    status,
    headers: { 'www-authenticate': formatBearerChallenge(challenge) },
    body: { error: challenge.error ?? 'invalid_token', error_description: challenge.errorDescription ?? 'Missing bearer token' },
  };
}

/**
 * The answer carrying JSON-RPC messages: one message alone, several as an array, none as 202.
 *
 * @param status - HTTP status
 * @param messages - JSON-RPC answers
 * @param headers - extra headers
 */
export function jsonRpcAnswer(status: number, messages: readonly unknown[], headers: Record<string, string> = {}): GateAnswer {
  if (messages.length === 0) return { status: status === 200 ? 202 : status, headers, body: undefined };
  return { status, headers, body: messages.length === 1 ? messages[0] : messages };
}

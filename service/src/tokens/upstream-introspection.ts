// RFC 7662 client: asks the one authorization server designated for opaque tokens whether a token
// is active. The answer is treated like verified claims (time checks still apply).
import type { IssuerConfig } from '../config/types.js';
import { TokenError } from './errors.js';
import { fetchJson, type FetchLike } from './fetch-json.js';
import type { IssuerMetadata } from './discovery.js';
import { toValidatedToken, type ValidatedToken } from './validated-token.js';

export interface UpstreamIntrospectionOptions {
  timeoutMs: number;
  fetch?: FetchLike;
  now: () => number;
  metadata: () => Promise<IssuerMetadata>;
}

// RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
function basic(id: string, secret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

async function endpointOf(issuer: IssuerConfig, options: UpstreamIntrospectionOptions): Promise<string> {
  const configured = issuer.introspection?.endpoint;
  if (configured !== undefined) return configured;
  const doc = await options.metadata();
  if (typeof doc.introspection_endpoint !== 'string') throw new Error(`metadata of ${issuer.issuer} has no introspection_endpoint`);
  return doc.introspection_endpoint;
}

// RFC 7662 `token_type` is an RFC 6749 §7.1 type (case-insensitive) or, from some servers, an RFC 8693
// token type identifier; `token_use` is how some servers (e.g. ORY Hydra) tell access from refresh
// tokens. Absent is fine; anything else (refresh or ID tokens, DPoP-bound tokens whose proof is never
// checked here) is not a bearer access token.
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'access_token', 'urn:ietf:params:oauth:token-type:access_token']);

function isAccessToken(claims: Record<string, unknown>): boolean {
  const { token_type: type, token_use: use } = claims;
  if (type !== undefined && (typeof type !== 'string' || !ACCESS_TOKEN_TYPES.has(type.toLowerCase()))) return false;
  return use === undefined || use === 'access_token';
}

export async function introspectUpstream(token: string, issuer: IssuerConfig, tokenHash: string, options: UpstreamIntrospectionOptions): Promise<ValidatedToken> {
  const settings = issuer.introspection;
  if (settings === undefined) throw new TokenError('opaque_not_supported', `issuer ${issuer.issuer} has no introspection settings`);
  const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (settings.auth_method === 'client_secret_post') {
    form.set('client_id', settings.client_id);
    form.set('client_secret', settings.client_secret);
  } else headers.authorization = basic(settings.client_id, settings.client_secret);

  let answer: Record<string, unknown>;
  try {
    answer = await fetchJson(await endpointOf(issuer, options), { method: 'POST', headers, body: form.toString(), timeoutMs: options.timeoutMs }, options.fetch);
  } catch (err) {
    throw new TokenError('introspection_failed', (err as Error).message, { cause: err });
  }
  if (answer.active !== true) throw new TokenError('inactive', 'the authorization server reports the token inactive');
  const { active: _active, ...claims } = answer;
  if (!isAccessToken(claims)) throw new TokenError('wrong_type', 'the authorization server reports a token that is not an access token');
  if (claims.iss !== undefined && claims.iss !== issuer.issuer) throw new TokenError('claim_invalid', 'introspection answer names another issuer');
  const nowSec = options.now() / 1000;
  if (typeof claims.exp === 'number' && claims.exp <= nowSec - issuer.clock_tolerance) throw new TokenError('expired', 'token expired');
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec + issuer.clock_tolerance) throw new TokenError('not_yet_valid', 'token not yet valid');
  return toValidatedToken('opaque', issuer, claims, tokenHash);
}

// Token validation for a server: selects the issuer by the token's `iss` (never trying every key),
// verifies it (JWT) or asks the server's one opaque-token issuer (RFC 7662), then checks that the
// server trusts that issuer and that `aud` names the server (an introspection answer may omit `aud`
// only when one server alone trusts its issuer). Invalid tokens are results, not throws.
import { hashToken } from '@mcp-authz/contract';
import type { AuthzConfig, ServerConfig } from '../config/types.js';
import type { Registry } from '../config/registry.js';
import { TokenError, type InvalidReason } from './errors.js';
import type { FetchLike } from './fetch-json.js';
import { createIssuerKeys, createMetadataSource, type IssuerKeys } from './issuer-keys.js';
import type { IssuerMetadata } from './discovery.js';
import { COMPACT_JWS, parseCompactJws, type CompactJws } from './jws-compact.js';
import type { KeySetStatus } from './remote-key-set.js';
import { introspectUpstream } from './upstream-introspection.js';
import { createMemoryValidationCache, type TokenValidationCache } from './validation-cache.js';
import type { ValidatedToken } from './validated-token.js';
import { verifyJwt } from './verify-jwt.js';

export type TokenKind = 'jwt' | 'opaque' | 'unknown';

/** Hooks for metrics and logs; the token code itself knows nothing about either. */
export interface TokenObserver {
  onValidation?(event: { kind: TokenKind; outcome: 'valid' | InvalidReason; cached: boolean; issuer?: string }): void;
  onKeyFetch?(event: { issuer: string; source: 'jwks' | 'discovery'; ok: boolean; error?: string }): void;
  onUnexpectedError?(error: unknown): void;
  /** A token names an issuer that differs from a configured one only by a trailing slash. */
  onIssuerNearMiss?(event: { claimed: string; configured: string }): void;
}

/** What a revocation list needs to recognise a token before any cache is consulted. */
export interface RevocationQuery {
  tokenHash: string;
  /** Unverified `iss`/`jti` of a JWT (a revocation may name them). */
  iss?: string;
  jti?: string;
}

export interface TokenValidatorOptions {
  config: Pick<AuthzConfig, 'tokens' | 'cache'>;
  registry: Registry;
  cache?: TokenValidationCache;
  observer?: TokenObserver;
  isRevoked?: (query: RevocationQuery) => boolean;
  fetch?: FetchLike;
  now?: () => number;
}

export type TokenValidation =
  | { valid: true; token: ValidatedToken; server: ServerConfig; cached: boolean }
  | { valid: false; reason: InvalidReason; error: TokenError };

export interface TokenValidator {
  /**
   * Valid only if `server` trusts the issuer and `aud` names the server. `tokenHash` is the
   * caller's hashToken(token), passed so the hot path hashes a token once.
   */
  validateForServer(token: string, server: ServerConfig, tokenHash?: string): Promise<TokenValidation>;
  /** Valid for the first of `servers` that accepts the token. */
  validateForServers(token: string, servers: readonly ServerConfig[], tokenHash?: string): Promise<TokenValidation>;
  /** Key status per issuer (for readiness). */
  keyStatus(): Record<string, KeySetStatus>;
  /** Loads every remote key set once; failures are recorded in keyStatus, not thrown. */
  warm(): Promise<void>;
}

const JWE = /^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/;
// RFC 6750 b64token: anything else is not a bearer token at all and is never sent upstream.
const OPAQUE = /^[A-Za-z0-9\-._~+/]+=*$/;

// Dots decide the shape: two make a JWS (anything else with two dots is broken, not opaque), four a JWE.
function classify(token: string): TokenKind {
  const dots = token.split('.').length - 1;
  if (dots === 2) {
    if (COMPACT_JWS.test(token)) return 'jwt';
    throw new TokenError('malformed', 'not a well-formed JWT');
  }
  if (dots === 4 && JWE.test(token)) throw new TokenError('unsupported_token', 'encrypted tokens are not supported');
  if (OPAQUE.test(token)) return 'opaque';
  throw new TokenError('malformed', 'not a bearer token');
}

function claimedIds(payload: Readonly<Record<string, unknown>>): { iss?: string; jti?: string } {
  return { iss: typeof payload.iss === 'string' ? payload.iss : undefined, jti: typeof payload.jti === 'string' ? payload.jti : undefined };
}

export function createTokenValidator(options: TokenValidatorOptions): TokenValidator {
  const { registry, observer } = options;
  const now = options.now ?? Date.now;
  const settings = options.config.tokens;
  const maxTtl = options.config.cache.token_max_ttl_seconds;
  const cache = options.cache ?? createMemoryValidationCache({ maxEntries: options.config.cache.token_max_entries, now });

  const metadata = new Map<string, () => Promise<IssuerMetadata>>();
  const keys = new Map<string, IssuerKeys>();
  for (const issuer of registry.issuers.values()) {
    const onFetch = (source: 'jwks' | 'discovery', ok: boolean, error?: string): void =>
      observer?.onKeyFetch?.({ issuer: issuer.issuer, source, ok, ...(error !== undefined ? { error } : {}) });
    const meta = createMetadataSource(issuer, { timeoutMs: settings.jwks.timeout_ms, fetch: options.fetch, onFetch });
    metadata.set(issuer.issuer, meta);
    keys.set(issuer.issuer, createIssuerKeys(issuer, meta, {
      cacheMaxAgeMs: settings.jwks.cache_max_age_seconds * 1000,
      cooldownMs: settings.jwks.cooldown_seconds * 1000,
      maxStalenessMs: settings.jwks.max_staleness_seconds * 1000,
      timeoutMs: settings.jwks.timeout_ms,
      fetch: options.fetch,
      now,
      onFetch,
    }));
  }

  const ttlFor = (token: ValidatedToken): number => {
    const untilExp = token.exp === undefined ? maxTtl : Math.floor(token.exp - now() / 1000);
    return Math.max(0, Math.min(untilExp, maxTtl));
  };

  // The cache must never fail a validation: a broken cache is a miss.
  const produceAndCache = async (key: string, produce: () => Promise<ValidatedToken>): Promise<{ token: ValidatedToken; cached: boolean }> => {
    const token = await produce();
    await cache.set(key, token, ttlFor(token)).catch(() => undefined);
    return { token, cached: false };
  };
  const cached = async (key: string, produce: () => Promise<ValidatedToken>): Promise<{ token: ValidatedToken; cached: boolean }> => {
    const hit = await cache.get(key).catch(() => undefined);
    return hit !== undefined ? { token: hit, cached: true } : produceAndCache(key, produce);
  };

  // Issuers compare exactly; one that differs only by a trailing slash is still refused, but
  // the operator is told, since that is the usual cause.
  const unknownIssuer = (iss: string | undefined): TokenError => {
    if (iss !== undefined) {
      const near = iss.endsWith('/') ? iss.slice(0, -1) : `${iss}/`;
      if (registry.issuers.has(near)) {
        options.observer?.onIssuerNearMiss?.({ claimed: iss, configured: near });
        return new TokenError('unknown_issuer', `token issuer differs from the configured issuer "${near}" only by a trailing slash`);
      }
    }
    return new TokenError('unknown_issuer', 'token issuer is not configured');
  };

  const accepts = (token: ValidatedToken, server: ServerConfig): boolean => {
    const wanted = registry.audiencesOf(server);
    return token.audiences.some((a) => wanted.includes(a));
  };

  async function validateJwt(token: string, tokenHash: string, servers: readonly ServerConfig[]): Promise<TokenValidation> {
    const key = `jwt:${tokenHash}`;
    // A cached result was verified from exactly these bytes, so its claims are what an unverified
    // decode would read: a hit skips the decode, and revocation is still checked before it is used.
    // A miss parses the token once, for the unverified iss/jti and for verification alike.
    const hit = await cache.get(key).catch(() => undefined);
    const jws: CompactJws | undefined = hit === undefined ? parseCompactJws(token) : undefined;
    const { iss, jti } = claimedIds(hit !== undefined ? hit.claims : jws!.claims);
    if (options.isRevoked?.({ tokenHash, iss, jti })) throw new TokenError('revoked', 'token revoked');
    const issuer = iss === undefined ? undefined : registry.issuers.get(iss);
    if (issuer === undefined) throw unknownIssuer(iss);
    const candidates = servers.filter((s) => registry.trustedIssuers(s).includes(issuer.issuer));
    if (candidates.length === 0) throw new TokenError('untrusted_issuer', 'no server in question trusts this issuer');
    const result = hit !== undefined
      ? { token: hit, cached: true }
      : await produceAndCache(key, () => verifyJwt(jws!, issuer, keys.get(issuer.issuer)!, tokenHash, now));
    const server = candidates.find((s) => accepts(result.token, s));
    if (server === undefined) throw new TokenError('audience_mismatch', 'token audience does not name the server');
    return { valid: true, token: result.token, server, cached: result.cached };
  }

  async function validateOpaque(token: string, tokenHash: string, servers: readonly ServerConfig[]): Promise<TokenValidation> {
    if (options.isRevoked?.({ tokenHash })) throw new TokenError('revoked', 'token revoked');
    // Each server names at most one opaque-token issuer; each such issuer is asked at most once.
    const byIssuer = new Map<string, ServerConfig[]>();
    for (const server of servers) {
      const iss = server.opaque_token_issuer;
      if (iss !== undefined) byIssuer.set(iss, [...(byIssuer.get(iss) ?? []), server]);
    }
    if (byIssuer.size === 0) throw new TokenError('opaque_not_supported', 'no server in question accepts opaque tokens');
    let failure: TokenError | undefined;
    for (const [iss, candidates] of byIssuer) {
      const issuer = registry.issuers.get(iss)!;
      try {
        const result = await cached(`opaque:${iss}:${tokenHash}`, () =>
          introspectUpstream(token, issuer, tokenHash, { timeoutMs: settings.introspection.timeout_ms, fetch: options.fetch, now, metadata: metadata.get(iss)! }));
        // An answer without `aud` says nothing about which server the token is for: it is accepted
        // only when a single server trusts the issuer, so it cannot be another server's token.
        if (result.token.audiences.length === 0) {
          if (registry.trustCount(iss) === 1) return { valid: true, token: result.token, server: candidates[0]!, cached: result.cached };
          failure = new TokenError('audience_mismatch', 'the introspection answer names no audience and several servers trust its issuer');
          continue;
        }
        const server = candidates.find((s) => accepts(result.token, s));
        if (server !== undefined) return { valid: true, token: result.token, server, cached: result.cached };
        failure = new TokenError('audience_mismatch', 'token audience does not name the server');
      } catch (err) {
        failure = err instanceof TokenError ? err : new TokenError('internal', 'unexpected introspection failure', { cause: err });
      }
    }
    throw failure!;
  }

  async function validateForServers(token: string, servers: readonly ServerConfig[], knownHash?: string): Promise<TokenValidation> {
    let kind: TokenKind = 'unknown';
    let result: TokenValidation;
    try {
      if (typeof token !== 'string' || token === '') throw new TokenError('malformed', 'empty token');
      if (Buffer.byteLength(token, 'utf8') > settings.max_token_bytes) throw new TokenError('too_large', 'token over the size limit');
      kind = classify(token);
      const tokenHash = knownHash ?? hashToken(token);
      result = kind === 'jwt' ? await validateJwt(token, tokenHash, servers) : await validateOpaque(token, tokenHash, servers);
    } catch (err) {
      const error = err instanceof TokenError ? err : new TokenError('internal', 'unexpected validation failure', { cause: err });
      if (error.reason === 'internal') observer?.onUnexpectedError?.(error.cause ?? error);
      result = { valid: false, reason: error.reason, error };
    }
    observer?.onValidation?.(result.valid
      ? { kind, outcome: 'valid', cached: result.cached, issuer: result.token.issuer }
      : { kind, outcome: result.reason, cached: false });
    return result;
  }

  return {
    validateForServers,
    validateForServer: (token, server, tokenHash) => validateForServers(token, [server], tokenHash),
    keyStatus: () => Object.fromEntries([...keys].map(([iss, k]) => [iss, k.status()])),
    warm: async () => {
      await Promise.all([...keys.values()].map((k) => k.warm()));
    },
  };
}

// Adapters between the tokens package and the decision path: validator, shared cache, revocation hook.
import type { RevocationQuery, TokenValidation, TokenValidationCache, ValidatedToken } from '../tokens/index.js';
import { createNamespacedCache, type CacheBackingOptions } from './tiered-cache.js';
import type { RevocationChecker, ServerRef, TokenValidator, ValidatedSubject } from './types.js';

/** The part of the tokens package's validator the decision path calls. */
export interface ServerTokenValidator<S extends ServerRef> {
  validateForServer(token: string, server: S, tokenHash?: string): Promise<TokenValidation>;
}

// One subject per validated token: a token-cache hit returns the same ValidatedToken object, so its
// subject is built once rather than on every request. Nothing on the decision path mutates it.
const subjects = new WeakMap<ValidatedToken, ValidatedSubject>();

function subjectOf(t: ValidatedToken): ValidatedSubject {
  let subject = subjects.get(t);
  if (subject === undefined) {
    subject = {
      issuer: t.issuer,
      scopes: t.scopes,
      claims: { ...t.claims },
      ...(t.sub !== undefined ? { sub: t.sub } : {}),
      ...(t.clientId !== undefined ? { client_id: t.clientId } : {}),
      ...(t.exp !== undefined ? { exp: t.exp } : {}),
      ...(t.jti !== undefined ? { jti: t.jti } : {}),
    };
    subjects.set(t, subject);
  }
  return subject;
}

/**
 * Turns the tokens package's validator into the decision service's TokenValidator. `lookup`
 * resolves the registry entry (an unknown id is refused here; the HTTP layer answers 403 before).
 */
export function fromTokensValidator<S extends ServerRef>(validator: ServerTokenValidator<S>, lookup: (serverId: string) => S | undefined): TokenValidator {
  return async (token, ref, tokenHash) => {
    const server = lookup(ref.id);
    if (!server) return { ok: false, code: 'unknown_server', reason: `server ${ref.id} is not registered` };
    const r = await validator.validateForServer(token, server, tokenHash);
    if (!r.valid) return { ok: false, code: r.reason, reason: r.error.message };
    return { ok: true, subject: subjectOf(r.token) };
  };
}

/** The tokens package's `isRevoked` hook answered from the in-process revocation mirror. */
export function revocationQueryHook(list: RevocationChecker): (q: RevocationQuery) => boolean {
  return (q) => list.isTokenRevoked(q.tokenHash)
    || (q.canonicalHash !== undefined && list.isTokenRevoked(q.canonicalHash))
    || (q.iss !== undefined && q.jti !== undefined && list.isJtiRevoked(q.iss, q.jti));
}

export type SharedValidationCacheOptions = CacheBackingOptions;

/**
 * TokenValidationCache over the shared store with an in-process LRU in front. The tokens package
 * builds the keys from the token hash (never the token) and bounds ttlSeconds by exp and its maximum.
 */
export function createSharedValidationCache(options: SharedValidationCacheOptions): TokenValidationCache {
  const now = options.now ?? Date.now;
  const cache = createNamespacedCache<ValidatedToken | null>(options, 'tokens:', 'mcp_authz_token_cache_lookups_total');
  return {
    async get(key) {
      // A miss computes "nothing" without caching it, so the validator fills the entry via set().
      const r = await cache.getOrCompute(key, () => ({ value: null, expiresAt: now() }));
      return r.value ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      await cache.put(key, value, now() + ttlSeconds * 1000);
    },
  };
}

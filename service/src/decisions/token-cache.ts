// Token validation cache keyed by SHA-256 of the token and the server, bounded by exp and a maximum.
import type { Logger, MetricsHooks } from '../hooks/index.js';
import type { SharedStore } from '../store/index.js';
import { hashToken } from './token-hash.js';
import { createTieredCache } from './tiered-cache.js';
import type { TokenValidationResult, TokenValidator } from './types.js';

export interface TokenCacheOptions {
  store: SharedStore;
  /** Upper bound, seconds, so removed keys and config changes take effect. 0 disables caching. */
  maxTtlSeconds: number;
  lruSize?: number;
  metrics: MetricsHooks;
  logger: Logger;
  now?: () => number;
}

/**
 * Wraps a validator with the cache. Only accepted tokens are cached (a rejected token costs a
 * validation each time, so a key rotation that fixes it is seen at once). The server id is part
 * of the key because acceptance depends on the audience.
 */
export function createCachedTokenValidator(validate: TokenValidator, options: TokenCacheOptions): TokenValidator {
  const now = options.now ?? Date.now;
  const cache = createTieredCache<TokenValidationResult>({
    store: options.store,
    namespace: 'tokens:',
    lruSize: options.lruSize ?? 10_000,
    metrics: options.metrics,
    lookupMetric: 'mcp_authz_token_cache_lookups_total',
    logger: options.logger,
    now,
  });
  return async (token, server) => {
    const result = await cache.getOrCompute(`${hashToken(token)}:${server.id}`, async () => {
      const t = now();
      const r = await validate(token, server);
      if (!r.ok) return { value: r, expiresAt: t };
      let until = t + options.maxTtlSeconds * 1000;
      if (r.subject.exp !== undefined) until = Math.min(until, r.subject.exp * 1000);
      return { value: r, expiresAt: until };
    });
    const r = result.value;
    // A cached entry never outlives exp, but a coalesced follower may arrive just after it.
    if (r.ok && r.subject.exp !== undefined && r.subject.exp * 1000 <= now()) {
      return { ok: false, code: 'token_expired', reason: 'token expired' };
    }
    return r;
  };
}

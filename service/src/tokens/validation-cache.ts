// The token-validation-result cache: keyed by token hash (never the token), bounded by the token's
// expiry and a configured maximum. In-memory here; shared adapters implement the same interface.
import type { ValidatedToken } from './validated-token.js';

export interface TokenValidationCache {
  get(key: string): Promise<ValidatedToken | undefined>;
  /** Stores a result for at most `ttlSeconds`. */
  set(key: string, value: ValidatedToken, ttlSeconds: number): Promise<void>;
}

export interface MemoryValidationCacheOptions {
  maxEntries: number;
  now?: () => number;
}

/** A bounded in-process cache; the least recently used entry goes first. */
export function createMemoryValidationCache(options: MemoryValidationCacheOptions): TokenValidationCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: ValidatedToken; expiresAt: number }>();
  return {
    async get(key) {
      const hit = entries.get(key);
      if (hit === undefined) return undefined;
      entries.delete(key);
      if (hit.expiresAt <= now()) return undefined;
      entries.set(key, hit);
      return hit.value;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0 || options.maxEntries <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
  };
}

// Two-level cache (in-process LRU over the shared store) with coalesced misses; it never fails a caller.
import type { Logger, MetricName, MetricsHooks } from '../hooks/index.js';
import { createLru, type SharedStore } from '../store/index.js';

/** Where a value came from: a cache layer, another caller's in-flight computation, or computed now. */
export type CacheSource = 'lru' | 'shared' | 'coalesced' | 'computed';

export interface Computed<V> {
  value: V;
  /** Absolute expiry in ms; at or before now means "do not cache". */
  expiresAt: number;
}

export interface CacheResult<V> extends Computed<V> {
  source: CacheSource;
}

export interface TieredCacheOptions {
  store: SharedStore;
  /** Key namespace inside the store, e.g. `decisions:`. */
  namespace: string;
  lruSize: number;
  metrics: MetricsHooks;
  /** Counter receiving `{layer, result}` lookups. */
  lookupMetric: MetricName;
  logger: Logger;
  now: () => number;
  /** Skip the shared store (see CacheBackingOptions.lruOnly). */
  lruOnly?: boolean;
}

export interface TieredCache<V> {
  /** The in-process entry alone, counted as an LRU hit when found; a miss counts nothing (getOrCompute follows). */
  peek(key: string): CacheResult<V> | undefined;
  /**
   * Starts the shared-store lookup of `key` early (it never rejects), so that it can run while the
   * caller does other work; hand the result to getOrCompute. Undefined when there is no shared
   * layer or the in-process layer already holds the key (counts nothing).
   */
  prefetch(key: string): Promise<Computed<V> | undefined> | undefined;
  /** `prefetched`: this key's prefetch(), used instead of a new shared lookup. */
  getOrCompute(key: string, compute: () => Promise<Computed<V>> | Computed<V>, prefetched?: Promise<Computed<V> | undefined>): Promise<CacheResult<V>>;
  /** Stores a value in both layers (shared write is fire-and-forget). */
  put(key: string, value: V, expiresAt: number): Promise<void>;
  /** Drops the in-process copies (the shared copies expire on their own). */
  clearLocal(): void;
}

/** What a cache built on the tiered cache takes from its caller (the decision and token caches). */
export interface CacheBackingOptions {
  store: SharedStore;
  /** In-process LRU entries; default 10 000. */
  lruSize?: number;
  metrics: MetricsHooks;
  logger: Logger;
  now?: () => number;
  /**
   * Keep entries in the LRU only. For a single process without Redis: its memory store lives in
   * the same process as the LRU, so a second copy there would only add serialisation to each miss.
   */
  lruOnly?: boolean;
}

const DEFAULT_LRU_SIZE = 10_000;

/** The tiered cache for one namespace, with the caller's optional settings defaulted. */
export function createNamespacedCache<V>(options: CacheBackingOptions, namespace: string, lookupMetric: MetricName): TieredCache<V> {
  return createTieredCache<V>({
    store: options.store,
    namespace,
    lruSize: options.lruSize ?? DEFAULT_LRU_SIZE,
    metrics: options.metrics,
    lookupMetric,
    logger: options.logger,
    now: options.now ?? Date.now,
    lruOnly: options.lruOnly === true,
  });
}

interface Stored<V> {
  v: V;
  e: number;
}

/**
 * Creates the cache. Shared-store errors count as misses (metric + one log line per outage) and
 * writes are fire-and-forget; while the store reports itself unhealthy it is not even asked.
 */
export function createTieredCache<V>(options: TieredCacheOptions): TieredCache<V> {
  const { store, namespace, metrics, lookupMetric, logger, now } = options;
  const sharedLayer = options.lruOnly !== true;
  const lru = createLru<Computed<V>>(options.lruSize, now);
  const inflight = new Map<string, Promise<Computed<V>>>();
  let outageLogged = false;

  function storeFailed(operation: string, e: unknown): void {
    metrics.increment('mcp_authz_store_errors_total', { operation });
    if (!outageLogged) {
      outageLogged = true;
      logger.warn({ operation, err: e instanceof Error ? e.message : String(e), namespace }, 'shared cache unavailable; deciding without it');
    }
  }

  async function readShared(key: string): Promise<Computed<V> | undefined> {
    if (!sharedLayer || !store.healthy()) return undefined;
    try {
      const text = await store.get(namespace + key);
      outageLogged = false;
      if (text === undefined) return undefined;
      const parsed = JSON.parse(text) as Stored<V>;
      return parsed.e > now() ? { value: parsed.v, expiresAt: parsed.e } : undefined;
    } catch (e) {
      storeFailed('get', e);
      return undefined;
    }
  }

  function writeShared(key: string, c: Computed<V>): void {
    const ttl = c.expiresAt - now();
    if (!sharedLayer || ttl <= 0 || !store.healthy()) return;
    const body: Stored<V> = { v: c.value, e: c.expiresAt };
    store.set(namespace + key, JSON.stringify(body), ttl).catch((e: unknown) => storeFailed('set', e));
  }

  async function load(
    key: string,
    compute: () => Promise<Computed<V>> | Computed<V>,
    prefetched: Promise<Computed<V> | undefined> | undefined,
  ): Promise<Computed<V> & { fromShared: boolean }> {
    let shared: Computed<V> | undefined;
    if (sharedLayer) {
      shared = await (prefetched ?? readShared(key));
      // A prefetch may have been answered before an entry expired.
      if (shared !== undefined && shared.expiresAt <= now()) shared = undefined;
    }
    if (shared) {
      lru.set(key, shared, shared.expiresAt);
      return { ...shared, fromShared: true };
    }
    const c = await compute();
    if (c.expiresAt > now()) {
      lru.set(key, c, c.expiresAt);
      writeShared(key, c);
    }
    return { ...c, fromShared: false };
  }

  return {
    peek(key) {
      const local = lru.get(key);
      if (local === undefined) return undefined;
      metrics.increment(lookupMetric, { layer: 'lru', result: 'hit' });
      return { value: local.value, expiresAt: local.expiresAt, source: 'lru' };
    },
    prefetch: (key) => (sharedLayer && lru.get(key) === undefined ? readShared(key) : undefined),
    async getOrCompute(key, compute, prefetched) {
      const local = lru.get(key);
      if (local !== undefined) {
        metrics.increment(lookupMetric, { layer: 'lru', result: 'hit' });
        return { value: local.value, expiresAt: local.expiresAt, source: 'lru' };
      }
      metrics.increment(lookupMetric, { layer: 'lru', result: 'miss' });
      const pending = inflight.get(key);
      if (pending) {
        const c = await pending;
        return { value: c.value, expiresAt: c.expiresAt, source: 'coalesced' };
      }
      const p = load(key, compute, prefetched);
      inflight.set(key, p);
      try {
        const c = await p;
        if (sharedLayer) metrics.increment(lookupMetric, { layer: 'shared', result: c.fromShared ? 'hit' : 'miss' });
        return { value: c.value, expiresAt: c.expiresAt, source: c.fromShared ? 'shared' : 'computed' };
      } finally {
        inflight.delete(key);
      }
    },
    async put(key, value, expiresAt) {
      if (expiresAt <= now()) return;
      lru.set(key, { value, expiresAt }, expiresAt);
      writeShared(key, { value, expiresAt });
    },
    clearLocal: () => lru.clear(),
  };
}

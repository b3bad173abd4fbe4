// Small storage interfaces shared by caches, revocation and rate limits; adapters live beside them.

/** Calls the listener on every change of the store's reachability; returns an unsubscribe function. */
export type HealthListener = (healthy: boolean) => void;

/** Member of a sorted set with its score. */
export interface ScoredMember {
  member: string;
  score: number;
}

/**
 * Shared key-value store with TTLs, counters, sorted sets and pub/sub.
 *
 * Keys and channel names are relative: each adapter applies its configured prefix, so tests and
 * deployments sharing one Redis stay apart. Methods may reject when the backend is unreachable;
 * callers that must keep working (caches, revocation mirror) catch and degrade.
 */
export interface SharedStore {
  readonly kind: 'memory' | 'redis';
  /** Last known reachability of the backend (always true for memory). */
  healthy(): boolean;
  onHealthChange(listener: HealthListener): () => void;
  get(key: string): Promise<string | undefined>;
  /** Stores `value`; `ttlMs` > 0 is required so nothing lives forever by accident. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter; the expiry is set when the counter is created (fixed window). */
  incr(key: string, ttlMs: number): Promise<number>;
  zadd(key: string, score: number, member: string): Promise<void>;
  /** Members with min <= score <= max, ascending by score. */
  zrangeByScore(key: string, min: number, max: number): Promise<ScoredMember[]>;
  /** Removes members with min <= score <= max; returns how many went. */
  zremRangeByScore(key: string, min: number, max: number): Promise<number>;
  /** Keeps the key at least until `ttlMs` from now (extends, never shortens, for memory and Redis). */
  expire(key: string, ttlMs: number): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is registered; the result unsubscribes this handler. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// A bounded in-process cache whose entries expire; the oldest entry goes first when full.

/** Minimal in-memory cache with per-entry expiry and a size bound (insertion-order eviction). */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  /** @param maxEntries - bound on the number of entries kept */
  constructor(private readonly maxEntries: number) {}

  /**
   * @param key - cache key
   * @param now - current time in ms (injectable for the hot path, which already has it)
   * @returns the value, or undefined when absent or expired
   */
  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * Stores a value for `ttlMs`; a non-positive TTL stores nothing.
   *
   * @param key - cache key
   * @param value - value to keep
   * @param ttlMs - lifetime in ms
   */
  set(key: string, value: V, ttlMs: number): void {
    if (!(ttlMs > 0)) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }
}

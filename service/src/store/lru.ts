// Bounded in-process LRU with per-entry expiry, used in front of the shared store.

/** A tiny LRU: Map insertion order is the recency order. */
export interface Lru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, expiresAt: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export function createLru<V>(maxEntries: number, now: () => number = Date.now): Lru<V> {
  const map = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const e = map.get(key);
      if (!e) return undefined;
      map.delete(key);
      if (e.expiresAt <= now()) return undefined;
      map.set(key, e);
      return e.value;
    },
    set(key, value, expiresAt) {
      if (maxEntries <= 0) return;
      map.delete(key);
      if (map.size >= maxEntries) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
      map.set(key, { value, expiresAt });
    },
    delete(key) {
      map.delete(key);
    },
    clear() {
      map.clear();
    },
    get size() {
      return map.size;
    },
  };
}

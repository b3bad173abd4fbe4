// In-memory SharedStore for a single process (no REDIS_URL) and for tests.
import type { HealthListener, ScoredMember, SharedStore } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

interface SortedSet {
  members: Map<string, number>;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Clock in ms; injectable for tests. */
  now?: () => number;
  /** Bound on string keys; the oldest are dropped first. */
  maxKeys?: number;
}

/**
 * Creates an in-memory store. Pub/sub is local to the store object, which is enough for one
 * process: every component of that process shares the same instance.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const strings = new Map<string, Entry>();
  const zsets = new Map<string, SortedSet>();
  const channels = new Map<string, Set<(message: string) => void>>();

  function live(key: string): Entry | undefined {
    const e = strings.get(key);
    if (e && e.expiresAt <= now()) {
      strings.delete(key);
      return undefined;
    }
    return e;
  }

  function zset(key: string, create: boolean): SortedSet | undefined {
    let z = zsets.get(key);
    if (z && z.expiresAt <= now()) {
      zsets.delete(key);
      z = undefined;
    }
    if (!z && create) {
      z = { members: new Map(), expiresAt: Number.POSITIVE_INFINITY };
      zsets.set(key, z);
    }
    return z;
  }

  function put(key: string, value: string, ttlMs: number): void {
    strings.delete(key);
    if (strings.size >= maxKeys) {
      const oldest = strings.keys().next();
      if (!oldest.done) strings.delete(oldest.value);
    }
    strings.set(key, { value, expiresAt: now() + ttlMs });
  }

  return {
    kind: 'memory',
    healthy: () => true,
    onHealthChange: (_listener: HealthListener) => () => undefined,
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async del(key) {
      strings.delete(key);
      zsets.delete(key);
    },
    async incr(key, ttlMs) {
      const e = live(key);
      if (!e) {
        put(key, '1', ttlMs);
        return 1;
      }
      const n = Number(e.value) + 1;
      e.value = String(n);
      return n;
    },
    async zadd(key, score, member) {
      zset(key, true)!.members.set(member, score);
    },
    async zrangeByScore(key, min, max) {
      const z = zset(key, false);
      if (!z) return [];
      const out: ScoredMember[] = [];
      for (const [member, score] of z.members) if (score >= min && score <= max) out.push({ member, score });
      return out.sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : 1));
    },
    async zremRangeByScore(key, min, max) {
      const z = zset(key, false);
      if (!z) return 0;
      let n = 0;
      for (const [member, score] of z.members) {
        if (score >= min && score <= max) {
          z.members.delete(member);
          n++;
        }
      }
      return n;
    },
    async expire(key, ttlMs) {
      const until = now() + ttlMs;
      const e = live(key);
      if (e) e.expiresAt = Math.max(e.expiresAt === Number.POSITIVE_INFINITY ? until : e.expiresAt, until);
      const z = zset(key, false);
      if (z) z.expiresAt = z.expiresAt === Number.POSITIVE_INFINITY ? until : Math.max(z.expiresAt, until);
    },
    async publish(channel, message) {
      // Delivered asynchronously, as Redis does, so publishers never re-enter their own handlers.
      for (const handler of channels.get(channel) ?? []) queueMicrotask(() => handler(message));
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(handler);
      return async () => {
        set.delete(handler);
      };
    },
    async close() {
      strings.clear();
      zsets.clear();
      channels.clear();
    },
  };
}

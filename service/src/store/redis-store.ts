// SharedStore on Redis (ioredis): fail-fast commands, prefixed keys and channels, health tracking.
import { createRedisClient, type RedisTarget } from '../redis/index.js';
import type { HealthListener, ScoredMember, SharedStore } from './types.js';

export interface RedisStoreOptions {
  /** Where Redis is: one node, Sentinel or Cluster (see the redis package). */
  connection?: RedisTarget;
  /** redis:// or rediss:// URL of one node; the short form of `connection`. */
  url?: string;
  /** Prepended to every key and channel name, e.g. `mcp-authz:`. */
  prefix: string;
  /** Per-command timeout; a slow Redis must not hold up decisions. Default 500 ms. */
  commandTimeoutMs?: number;
}

/** The adapter plus the connection facts other Redis users (BullMQ) may want to reuse. */
export interface RedisStore extends SharedStore {
  readonly kind: 'redis';
  readonly prefix: string;
  /** Resolves true once connected, false after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<boolean>;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Creates the Redis adapter. Commands are never queued while disconnected (enableOfflineQueue
 * false) so callers see an immediate rejection instead of a request stuck behind a dead socket;
 * the connection itself keeps retrying in the background.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const prefix = options.prefix;
  const target = options.connection ?? options.url;
  if (target === undefined) throw new Error('createRedisStore needs connection or url');
  const client = createRedisClient(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 500,
    lazyConnect: false,
  });
  // The subscriber queues SUBSCRIBE until connected and re-subscribes after reconnects (in a
  // Cluster too: ioredis moves the subscription to another node when its node goes away).
  const subscriber = createRedisClient(target, { maxRetriesPerRequest: null });
  const listeners = new Set<HealthListener>();
  const handlers = new Map<string, Set<(message: string) => void>>();
  let healthy = false;
  let closed = false;

  function setHealthy(next: boolean): void {
    if (next === healthy) return;
    healthy = next;
    for (const l of listeners) l(next);
  }
  client.on('ready', () => setHealthy(true));
  client.on('close', () => setHealthy(false));
  client.on('end', () => setHealthy(false));
  // Errors surface as rejected commands and the health flag; the event itself must not crash.
  client.on('error', () => setHealthy(false));
  subscriber.on('error', () => undefined);
  subscriber.on('message', (channel: string, message: string) => {
    for (const h of handlers.get(channel) ?? []) {
      try {
        h(message);
      } catch {
        // A failing handler must not stop delivery to the others.
      }
    }
  });

  const k = (key: string): string => prefix + key;

  return {
    kind: 'redis',
    prefix,
    healthy: () => healthy,
    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitReady(timeoutMs) {
      if (healthy) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          off();
          resolve(false);
        }, timeoutMs);
        const off = this.onHealthChange((h) => {
          if (!h) return;
          clearTimeout(timer);
          off();
          resolve(true);
        });
      });
    },
    async get(key) {
      const v = await client.get(k(key));
      return v ?? undefined;
    },
    async set(key, value, ttlMs) {
      await client.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async del(key) {
      await client.del(k(key));
    },
    async incr(key, ttlMs) {
      const [[e1, n], [e2]] = (await client.multi().incr(k(key)).pexpire(k(key), Math.ceil(ttlMs), 'NX').exec()) as [
        [Error | null, number],
        [Error | null, unknown],
      ];
      if (e1 ?? e2) throw e1 ?? e2;
      return n;
    },
    async zadd(key, score, member) {
      await client.zadd(k(key), score, member);
    },
    async zrangeByScore(key, min, max) {
      const flat = await client.zrangebyscore(k(key), min, max, 'WITHSCORES');
      const out: ScoredMember[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i], score: Number(flat[i + 1]) });
      return out;
    },
    async zremRangeByScore(key, min, max) {
      return client.zremrangebyscore(k(key), min, max);
    },
    async expire(key, ttlMs) {
      await client.pexpire(k(key), Math.ceil(ttlMs), 'GT');
      await client.pexpire(k(key), Math.ceil(ttlMs), 'NX');
    },
    async publish(channel, message) {
      await client.publish(k(channel), message);
    },
    async subscribe(channel, handler) {
      const name = k(channel);
      let set = handlers.get(name);
      if (!set) {
        handlers.set(name, (set = new Set()));
        // While Redis is down the SUBSCRIBE waits in the offline queue and is sent on connect;
        // the caller is not held up by that (its periodic resync covers the gap).
        const sent = subscriber.subscribe(name).then(
          () => undefined,
          () => undefined,
        );
        await Promise.race([sent, delay(1000)]);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(name) === set) {
          handlers.delete(name);
          // Like SUBSCRIBE, an UNSUBSCRIBE waits in the offline queue while Redis is down: never
          // hold a shutdown on it (closing the store drops the connection anyway).
          if (!closed) await Promise.race([subscriber.unsubscribe(name).catch(() => undefined), delay(1000)]);
        }
      };
    },
    async close() {
      closed = true;
      handlers.clear();
      listeners.clear();
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

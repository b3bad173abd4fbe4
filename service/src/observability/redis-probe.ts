// Redis status for /readyz: a dedicated connection that only PINGs. Reported, never critical —
// the service keeps deciding without Redis.
import { createRedisClient, describeRedis, type RedisTarget } from '../redis/index.js';
import type { ReadinessCheck } from '../http/deps.js';

export interface RedisProbe {
  check: ReadinessCheck;
  close(): Promise<void>;
}

export function createRedisProbe(target: RedisTarget | undefined): RedisProbe {
  if (target === undefined) {
    return { check: { name: 'redis', critical: false, check: () => ({ status: 'disabled', detail: 'no redis.url, redis.sentinels or redis.cluster: in-memory stores' }) }, close: async () => undefined };
  }
  const client = createRedisClient(target, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryDelay: (times) => Math.min(times * 500, 5_000),
  });
  const where = describeRedis(target);
  client.on('error', () => undefined);
  client.connect().catch(() => undefined);
  return {
    check: {
      name: 'redis',
      critical: false,
      check: async () => {
        try {
          await client.ping();
          return { status: 'ok' };
        } catch (err) {
          return { status: 'down', detail: `${where}: ${(err as Error).message}` };
        }
      },
    },
    close: async () => {
      client.disconnect();
    },
  };
}

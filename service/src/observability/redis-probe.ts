// Redis status for /readyz: a dedicated connection that only PINGs. Reported, never critical —
// the service keeps deciding without Redis.
import { Redis } from 'ioredis';
import type { ReadinessCheck } from '../http/deps.js';

export interface RedisProbe {
  check: ReadinessCheck;
  close(): Promise<void>;
}

export function createRedisProbe(url: string | undefined): RedisProbe {
  if (url === undefined) {
    return { check: { name: 'redis', critical: false, check: () => ({ status: 'disabled', detail: 'REDIS_URL not set: in-memory stores' }) }, close: async () => undefined };
  }
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  });
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
          return { status: 'down', detail: (err as Error).message };
        }
      },
    },
    close: async () => {
      client.disconnect();
    },
  };
}

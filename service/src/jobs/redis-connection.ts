// Connections for BullMQ through the one client factory: a fail-fast producer (health tracked) and
// blocking worker connections.
import { createRedisClient, type RedisClient, type RedisTarget } from '../redis/index.js';

export interface ProducerConnection {
  readonly client: RedisClient;
  healthy(): boolean;
  onHealthChange(listener: (healthy: boolean) => void): () => void;
}

/**
 * A connection whose commands fail at once while Redis is unreachable (no offline queue), so that
 * producers can spill instead of waiting.
 */
export function createProducerConnection(target: RedisTarget): ProducerConnection {
  const client = createRedisClient(target, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const listeners = new Set<(healthy: boolean) => void>();
  let healthy = false;
  const set = (h: boolean): void => {
    if (h === healthy) return;
    healthy = h;
    for (const l of listeners) l(h);
  };
  client.on('ready', () => set(true));
  client.on('close', () => set(false));
  client.on('end', () => set(false));
  client.on('error', () => set(false));
  return {
    client,
    healthy: () => healthy,
    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A connection for BullMQ workers: BullMQ requires maxRetriesPerRequest null for blocking reads. */
export function createWorkerConnection(target: RedisTarget): RedisClient {
  const client = createRedisClient(target, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  return client;
}

// ioredis connections for BullMQ: a fail-fast producer (health tracked) and blocking worker connections.
import { Redis } from 'ioredis';

function retryDelay(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2000);
}

export interface ProducerConnection {
  readonly client: Redis;
  healthy(): boolean;
  onHealthChange(listener: (healthy: boolean) => void): () => void;
}

/**
 * A connection whose commands fail at once while Redis is unreachable (no offline queue), so that
 * producers can spill instead of waiting.
 */
export function createProducerConnection(url: string): ProducerConnection {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: retryDelay });
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
export function createWorkerConnection(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: retryDelay });
  client.on('error', () => undefined);
  return client;
}

// WAIT after a write: a queued batch counts only once enough replicas hold it, so a failover that
// promotes a replica cannot lose what the old master had acknowledged.
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/index.js';

/**
 * True when at least `replicas` replicas acknowledged this connection's writes within `timeoutMs`.
 * In a Cluster each master's own connection is asked: WAIT counts only writes made on the
 * connection it is sent on, and masters this client did not write to answer at once.
 */
export async function waitForReplicas(client: RedisClient, replicas: number, timeoutMs: number): Promise<boolean> {
  if (replicas <= 0) return true;
  if (client instanceof Cluster) {
    const acks = await Promise.all(client.nodes('master').map((node) => node.wait(replicas, timeoutMs)));
    return acks.length > 0 && acks.every((n) => n >= replicas);
  }
  return (await client.wait(replicas, timeoutMs)) >= replicas;
}

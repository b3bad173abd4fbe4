// The one place a Redis connection is made: every user (store, pub/sub, queues, probes) comes here,
// so one node, Sentinel and Cluster, credentials and TLS are handled alike everywhere.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { toConnection, type RedisConnection, type RedisTarget, type RedisTls } from './connection.js';

/** Either kind of ioredis client; both answer the same commands and events. */
export type RedisClient = Redis | Cluster;

/** How a caller wants its connection to behave; the same knobs in every mode. */
export interface ClientTuning {
  /** false: commands fail at once while disconnected instead of waiting in a queue. */
  enableOfflineQueue?: boolean;
  /** null: retry forever (BullMQ's blocking connections require it). */
  maxRetriesPerRequest?: number | null;
  commandTimeout?: number;
  connectTimeout?: number;
  lazyConnect?: boolean;
  /** Delay before reconnect attempt `times`. */
  retryDelay?: (times: number) => number;
}

function defaultRetryDelay(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2000);
}

function tlsOptions(tls: RedisTls): NonNullable<RedisOptions['tls']> {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

// After a Sentinel failover the old master may come back as a replica and refuse writes: reconnect,
// which asks the sentinels for the master again.
function reconnectOnReadonly(err: Error): boolean | 1 | 2 {
  return err.message.startsWith('READONLY') ? 2 : false;
}

function nodeOptions(c: RedisConnection, tuning: ClientTuning): RedisOptions {
  return {
    ...(c.username !== undefined ? { username: c.username } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.tls !== undefined ? { tls: tlsOptions(c.tls) } : {}),
    ...(tuning.maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest: tuning.maxRetriesPerRequest } : {}),
    ...(tuning.commandTimeout !== undefined ? { commandTimeout: tuning.commandTimeout } : {}),
    ...(tuning.connectTimeout !== undefined ? { connectTimeout: tuning.connectTimeout } : {}),
  };
}

/** Opens a client for `target` with the caller's tuning. Errors are the caller's to listen for. */
export function createRedisClient(target: RedisTarget, tuning: ClientTuning = {}): RedisClient {
  const c = toConnection(target);
  const retry = tuning.retryDelay ?? defaultRetryDelay;
  const common = nodeOptions(c, tuning);
  const queueing = {
    ...(tuning.enableOfflineQueue !== undefined ? { enableOfflineQueue: tuning.enableOfflineQueue } : {}),
    ...(tuning.lazyConnect !== undefined ? { lazyConnect: tuning.lazyConnect } : {}),
  };
  if (c.mode === 'cluster') {
    const options: ClusterOptions = {
      ...queueing,
      redisOptions: common,
      clusterRetryStrategy: retry,
      // Slots move during a failover: retry the command after the topology refresh.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
    };
    return new Cluster(c.nodes.map((n) => ({ host: n.host, port: n.port })), options);
  }
  if (c.mode === 'sentinel') {
    return new Redis({
      ...common,
      ...queueing,
      sentinels: c.sentinels.map((n) => ({ host: n.host, port: n.port })),
      name: c.name,
      ...(c.sentinelUsername !== undefined ? { sentinelUsername: c.sentinelUsername } : {}),
      ...(c.sentinelPassword !== undefined ? { sentinelPassword: c.sentinelPassword } : {}),
      ...(c.tls !== undefined ? { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(c.tls) } : {}),
      retryStrategy: retry,
      // Sentinels announce a switch of master: move at once rather than on the next error.
      failoverDetector: true,
      reconnectOnError: reconnectOnReadonly,
    });
  }
  return new Redis(c.url, { ...common, ...queueing, retryStrategy: retry, reconnectOnError: reconnectOnReadonly });
}

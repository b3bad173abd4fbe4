// Decision log transport on BullMQ: per sink a queue capped in Redis, a worker, and a bounded spill file.
import { AuthzServiceError } from '../errors/index.js';
import { Queue, Worker } from 'bullmq';
import {
  DEFAULT_QUEUE_LIMITS,
  backoffMs,
  batchBytes,
  createLogCounters,
  createSpillFile,
  sinkSpillPath,
  spillOrDrop as spillBatch,
  type DecisionLogSink,
  type DecisionLogTransport,
  type DropReason,
  type LogBatch,
  type SinkQueueLimits,
  type SpillFile,
} from '../decision-logs/index.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import { createRedisBacklog, type RedisBacklog } from './redis-backlog.js';
import { createProducerConnection, createWorkerConnection } from './redis-connection.js';
import { waitForReplicas } from './replica-ack.js';
import type { RedisTarget } from '../redis/index.js';

export interface BullmqLogTransportOptions {
  /** Where Redis is: one node, Sentinel or Cluster. */
  redis?: RedisTarget;
  /** URL of one node; the short form of `redis`. */
  redisUrl?: string;
  /** BullMQ key prefix, e.g. `mcp-authz:bull` (hash-tagged in a Cluster: see queuePrefix). */
  prefix: string;
  /** Sinks already wrapped with withDedupe. */
  sinks: readonly DecisionLogSink[];
  /** Base of the per-sink spill files (`<base>.<sink>.jsonl`) receiving batches Redis cannot take. */
  spillPath: string;
  /** Per sink: records and bytes queued in Redis (shared by all replicas), and the spill file's bytes. */
  limits?: Partial<SinkQueueLimits>;
  /** Queue names are `${queueName}-${sink.name}`. Default `decision-logs`. */
  queueName?: string;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** An add slower than this counts as failed and the batch is spilled. Default 2000 ms. */
  addTimeoutMs?: number;
  /** How often spilled batches are retried while Redis is reachable. Default 5000 ms. */
  replayIntervalMs?: number;
  /** Replicas that must acknowledge an add (WAIT) before the batch counts as queued; else it is spilled. Default 0. */
  waitForReplicas?: number;
  /** How long an add waits for those acknowledgements. Default 1000 ms. */
  waitTimeoutMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
}

/** Effectively unlimited: a sink that is down for hours still gets every record once it is back. */
const ATTEMPTS = 1_000_000;
/**
 * Adds per sink that may wait on Redis at once. Past it batches are spilled: a Redis that accepts
 * connections but does not answer cannot grow the client's command queue without bound.
 */
const MAX_ADDS_IN_FLIGHT = 4;

class QueueFullError extends AuthzServiceError<'ERR_LOG_QUEUE_FULL'> {
  readonly code = 'ERR_LOG_QUEUE_FULL';
  constructor() {
    super('decision log queue in Redis is full');
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

interface Lane {
  sink: DecisionLogSink;
  queueName: string;
  spill: SpillFile;
  backlog: RedisBacklog;
  inFlight: number;
  /** Set while the spill file holds batches: new ones go behind them, keeping the order. */
  spilling: boolean;
  warned: boolean;
}

export function createBullmqLogTransport(options: BullmqLogTransportOptions): DecisionLogTransport {
  const metrics = options.metrics ?? noopMetrics;
  const counters = createLogCounters(metrics);
  const logger = options.logger ?? silentLogger;
  const limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
  const base = options.retryBaseMs ?? 500;
  const maxDelay = options.retryMaxMs ?? 30_000;
  const queueName = options.queueName ?? 'decision-logs';
  const target = options.redis ?? options.redisUrl;
  if (target === undefined) throw new Error('createBullmqLogTransport needs redis or redisUrl');
  const replicas = options.waitForReplicas ?? 0;
  const waitTimeout = options.waitTimeoutMs ?? 1000;
  const addTimeout = options.addTimeoutMs ?? (2000 + (replicas > 0 ? waitTimeout : 0));
  const producer = createProducerConnection(target);
  const lanes: Lane[] = options.sinks.map((sink) => {
    const name = `${queueName}-${sink.name}`;
    return {
      sink,
      queueName: name,
      spill: createSpillFile(sinkSpillPath(options.spillPath, sink.name)),
      backlog: createRedisBacklog(producer.client, `${options.prefix}:backlog:${name}`),
      inFlight: 0,
      spilling: false,
      warned: false,
    };
  });
  // Batches spilled by an earlier process go first.
  for (const lane of lanes) void lane.spill.hasPending().then((p) => void (lane.spilling ||= p), () => undefined);
  // One file shared by all sinks, written by earlier versions: replayed to every sink.
  const legacySpill = createSpillFile(options.spillPath);
  const workerConnections = options.sinks.map(() => createWorkerConnection(target));

  // BullMQ checks the server version when a queue is built, which fails on a connection without an
  // offline queue that is not yet connected: queues are therefore built on first readiness.
  let queues: Queue<LogBatch>[] | undefined;
  function readyQueues(): Queue<LogBatch>[] | undefined {
    if (!producer.healthy()) return undefined;
    queues ??= lanes.map((lane) => {
      const q = new Queue<LogBatch>(lane.queueName, { connection: producer.client, prefix: options.prefix });
      q.on('error', () => undefined);
      return q;
    });
    return queues;
  }
  const workers = lanes.map((lane, i) => {
    const w = new Worker<LogBatch>(
      lane.queueName,
      async (job) => {
        await lane.sink.deliver(job.data.records);
        // Before completing: a failure here retries the job (the sink's dedupe skips the records).
        await lane.backlog.done(job.id!);
        counters.count(lane.sink.name, 'delivered', job.data.records.length);
      },
      {
        connection: workerConnections[i]!,
        prefix: options.prefix,
        concurrency: 1,
        settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade, base, maxDelay) },
      },
    );
    w.on('failed', (job, err) => {
      metrics.increment('mcp_authz_decision_log_failures_total', { sink: lane.sink.name });
      if (job?.attemptsMade === 1) logger.warn({ sink: lane.sink.name, err: err.message }, 'decision log sink failed; retrying with backoff');
    });
    w.on('error', () => undefined);
    return w;
  });

  /** Queues a batch for one sink unless its backlog in Redis is at the cap (QueueFullError). */
  async function addTo(i: number, batch: LogBatch): Promise<void> {
    const qs = readyQueues();
    if (!qs) throw new Error('redis unavailable');
    const lane = lanes[i]!;
    if (lane.inFlight >= MAX_ADDS_IN_FLIGHT) throw new Error('redis is not answering');
    const records = batch.records.length;
    const bytes = batchBytes(batch);
    const op = (async () => {
      const size = await lane.backlog.read();
      // An empty backlog takes any one batch, so a batch larger than the caps still moves.
      if (size.records > 0 && (size.records + records > limits.maxRecords || size.bytes + bytes > limits.maxBytes)) throw new QueueFullError();
      // Accounted first: a worker never completes a job that is not counted yet.
      await lane.backlog.added(batch.id, records, bytes);
      await qs[i]!.add('batch', batch, {
        jobId: batch.id,
        attempts: ATTEMPTS,
        backoff: { type: 'custom' },
        // Kept for an hour so a replayed batch (same id) is recognised and not queued twice.
        removeOnComplete: { age: 3600, count: 100_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
      // Not yet on enough replicas: spilled too, and the replay's add of the same job id is a no-op
      // if the job survived, so the batch is neither lost nor queued twice.
      if (!(await waitForReplicas(producer.client, replicas, waitTimeout))) throw new Error('not acknowledged by enough replicas');
      counters.pending(lane.sink.name, 'redis', size.records + records, size.bytes + bytes);
    })();
    lane.inFlight++;
    void op.catch(() => undefined).finally(() => lane.inFlight--);
    await withTimeout(op, addTimeout);
  }

  const overflow = { counters, logger, spillMaxBytes: limits.spillMaxBytes, warning: 'decision log batch not queued in Redis; spilled or dropped until it can be' };
  const spillOrDrop = (lane: Lane, batch: LogBatch, reason: DropReason): Promise<void> =>
    spillBatch(lane, limits.spillMaxBytes > 0 ? lane.spill : undefined, batch, reason, overflow);

  async function admit(i: number, batch: LogBatch): Promise<void> {
    const lane = lanes[i]!;
    if (lane.spilling || !producer.healthy()) return spillOrDrop(lane, batch, producer.healthy() ? 'queue_full' : 'redis_unavailable');
    try {
      await addTo(i, batch);
      lane.warned = false;
    } catch (e) {
      await spillOrDrop(lane, batch, e instanceof QueueFullError ? 'queue_full' : 'redis_unavailable');
    }
  }

  async function replayLane(i: number): Promise<void> {
    const lane = lanes[i]!;
    if (await lane.spill.hasPending()) {
      // A full backlog would stop the replay at once: skip it rather than rewrite the file.
      const size = await lane.backlog.read();
      if (size.records === 0 || (size.records < limits.maxRecords && size.bytes < limits.maxBytes)) {
        const sent = await lane.spill.replay(async (batch) => {
          await addTo(i, batch);
          counters.count(lane.sink.name, 'replayed', batch.records.length);
        });
        if (sent > 0) logger.info({ sink: lane.sink.name, batches: sent }, 'replayed spilled decision log batches');
      }
    }
    lane.spilling = await lane.spill.hasPending();
    counters.spillBytes(lane.sink.name, await lane.spill.size());
  }

  let replayRunning: Promise<void> | undefined;
  function replay(): Promise<void> {
    if (!producer.healthy()) return Promise.resolve();
    replayRunning ??= (async () => {
      await legacySpill.replay(async (batch) => {
        for (let i = 0; i < lanes.length; i++) {
          await addTo(i, batch);
          counters.count(lanes[i]!.sink.name, 'replayed', batch.records.length);
        }
      });
      await Promise.all(lanes.map((_, i) => replayLane(i).catch(() => undefined)));
    })()
      .catch(() => undefined)
      .finally(() => {
        replayRunning = undefined;
      });
    return replayRunning;
  }

  const offHealth = producer.onHealthChange((healthy) => {
    if (healthy) void replay();
  });
  const timer = setInterval(() => void replay(), options.replayIntervalMs ?? 5000);
  timer.unref();

  // One read at a time: polls against a Redis that does not answer must not pile up commands.
  let depthRunning: Promise<Record<string, number>> | undefined;
  function depth(): Promise<Record<string, number>> {
    depthRunning ??= (async () => {
      if (!readyQueues()) throw new Error('redis unavailable');
      const sizes = await withTimeout(Promise.all(lanes.map((l) => l.backlog.read())), addTimeout);
      const out: Record<string, number> = {};
      lanes.forEach((l, i) => {
        out[l.sink.name] = sizes[i]!.records;
        counters.pending(l.sink.name, 'redis', sizes[i]!.records, sizes[i]!.bytes);
      });
      return out;
    })().finally(() => {
      depthRunning = undefined;
    });
    return depthRunning;
  }

  /** Jobs not yet completed, per queue: what drain waits for (independent of the accounting). */
  async function jobsWaiting(): Promise<number> {
    const qs = readyQueues();
    if (!qs) throw new Error('redis unavailable');
    const counts = await withTimeout(Promise.all(qs.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children'))), addTimeout);
    return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  return {
    sinks: lanes.map((l) => l.sink.name),
    async enqueue(batch) {
      await Promise.all(lanes.map((_, i) => admit(i, batch)));
    },
    depth,
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await replay();
        const spilled = (await Promise.all([legacySpill, ...lanes.map((l) => l.spill)].map((s) => s.hasPending()))).some(Boolean);
        const waiting = await jobsWaiting().catch(() => undefined);
        if (!spilled && waiting === 0) {
          await depth().catch(() => undefined);
          return true;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    async close() {
      clearInterval(timer);
      offHealth();
      await replayRunning;
      // Bounded: closing against a dead Redis must not hang shutdown.
      await Promise.all(workers.map((w) => withTimeout(w.close(), 5000).catch(() => undefined)));
      await Promise.all((queues ?? []).map((q) => withTimeout(q.close(), 5000).catch(() => undefined)));
      producer.client.disconnect();
      for (const c of workerConnections) c.disconnect();
      for (const s of options.sinks) await s.close?.();
    },
  };
}

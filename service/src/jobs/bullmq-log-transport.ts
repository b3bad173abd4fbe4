// Decision log transport on BullMQ: one queue and worker per sink; spills to a file while Redis is down.
import { Queue, Worker } from 'bullmq';
import { createSpillFile } from '../decision-logs/spill.js';
import { backoffMs, type DecisionLogSink, type DecisionLogTransport, type LogBatch } from '../decision-logs/types.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import { createProducerConnection, createWorkerConnection } from './redis-connection.js';

export interface BullmqLogTransportOptions {
  redisUrl: string;
  /** BullMQ key prefix, e.g. `mcp-authz:bull`. */
  prefix: string;
  /** Sinks already wrapped with withDedupe. */
  sinks: readonly DecisionLogSink[];
  /** Local file receiving batches while Redis is unreachable. */
  spillPath: string;
  /** Queue names are `${queueName}-${sink.name}`. Default `decision-logs`. */
  queueName?: string;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** An add slower than this counts as failed and the batch is spilled. Default 2000 ms. */
  addTimeoutMs?: number;
  /** How often spilled batches are retried while Redis is reachable. Default 5000 ms. */
  replayIntervalMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
}

/** Effectively unlimited: a sink that is down for hours still gets every record once it is back. */
const ATTEMPTS = 1_000_000;

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

export function createBullmqLogTransport(options: BullmqLogTransportOptions): DecisionLogTransport {
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const base = options.retryBaseMs ?? 500;
  const maxDelay = options.retryMaxMs ?? 30_000;
  const addTimeout = options.addTimeoutMs ?? 2000;
  const queueName = options.queueName ?? 'decision-logs';
  const producer = createProducerConnection(options.redisUrl);
  const spill = createSpillFile(options.spillPath);
  const workerConnections = options.sinks.map(() => createWorkerConnection(options.redisUrl));

  // BullMQ checks the server version when a queue is built, which fails on a connection without an
  // offline queue that is not yet connected: queues are therefore built on first readiness.
  let queues: Queue<LogBatch>[] | undefined;
  function readyQueues(): Queue<LogBatch>[] | undefined {
    if (!producer.healthy()) return undefined;
    queues ??= options.sinks.map((sink) => {
      const q = new Queue<LogBatch>(`${queueName}-${sink.name}`, { connection: producer.client, prefix: options.prefix });
      q.on('error', () => undefined);
      return q;
    });
    return queues;
  }
  const workers = options.sinks.map((sink, i) => {
    const w = new Worker<LogBatch>(
      `${queueName}-${sink.name}`,
      async (job) => {
        await sink.deliver(job.data.records);
        metrics.increment('mcp_authz_decision_log_delivered_total', { sink: sink.name }, job.data.records.length);
      },
      {
        connection: workerConnections[i],
        prefix: options.prefix,
        concurrency: 1,
        settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade, base, maxDelay) },
      },
    );
    w.on('failed', (job, err) => {
      metrics.increment('mcp_authz_decision_log_failures_total', { sink: sink.name });
      if (job?.attemptsMade === 1) logger.warn({ sink: sink.name, err: err.message }, 'decision log sink failed; retrying with backoff');
    });
    w.on('error', () => undefined);
    return w;
  });

  async function add(batch: LogBatch): Promise<void> {
    const qs = readyQueues();
    if (!qs) throw new Error('redis unavailable');
    await withTimeout(
      Promise.all(
        qs.map((q) =>
          q.add('batch', batch, {
            jobId: batch.id,
            attempts: ATTEMPTS,
            backoff: { type: 'custom' },
            // Kept for an hour so a replayed batch (same id) is recognised and not queued twice.
            removeOnComplete: { age: 3600, count: 100_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          }),
        ),
      ),
      addTimeout,
    );
  }

  async function spillBatch(batch: LogBatch, reason: string): Promise<void> {
    await spill.append(batch);
    metrics.increment('mcp_authz_decision_log_spilled_total', undefined, batch.records.length);
    logger.warn({ reason, records: batch.records.length }, 'decision log batch spilled to the local file');
  }

  let replayRunning: Promise<void> | undefined;
  function replay(): Promise<void> {
    if (!producer.healthy()) return Promise.resolve();
    replayRunning ??= spill
      .replay(add)
      .then((n) => {
        if (n > 0) logger.info({ batches: n }, 'replayed spilled decision log batches');
      })
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

  async function depth(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const qs = readyQueues();
    if (!qs) throw new Error('redis unavailable');
    await Promise.all(
      qs.map(async (q, i) => {
        const c = await withTimeout(q.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), addTimeout);
        const n = Object.values(c).reduce((a, b) => a + b, 0);
        out[options.sinks[i].name] = n;
        metrics.set('mcp_authz_decision_log_queue_depth', n, { sink: options.sinks[i].name });
      }),
    );
    return out;
  }

  return {
    async enqueue(batch) {
      if (!producer.healthy()) return spillBatch(batch, 'redis unavailable');
      try {
        await add(batch);
      } catch (e) {
        await spillBatch(batch, e instanceof Error ? e.message : String(e));
      }
    },
    depth,
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await replay();
        const pending = await spill.hasPending();
        const counts = await depth().catch(() => undefined);
        if (!pending && counts && Object.values(counts).every((n) => n === 0)) return true;
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

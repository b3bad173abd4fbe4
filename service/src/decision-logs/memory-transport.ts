// In-process transport (no REDIS_URL): one capped FIFO, one spill file and one retrying worker per sink.
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import { createLogCounters, type DropReason } from './counters.js';
import { createSpillFile, sinkSpillPath, type SpillFile } from './spill.js';
import { spillOrDrop as spillBatch } from './spill-or-drop.js';
import { backoffMs, batchBytes, type DecisionLogSink, type DecisionLogTransport, type LogBatch, type SinkQueueLimits } from './types.js';

export interface MemoryTransportOptions {
  /** Sinks already wrapped with withDedupe. */
  sinks: readonly DecisionLogSink[];
  /** Per-sink caps; defaults 100 000 records, 64 MiB, spill 256 MiB. */
  limits?: Partial<SinkQueueLimits>;
  /** Base of the per-sink spill files (`<base>.<sink>.jsonl`); omitted, records past the cap are dropped. */
  spillPath?: string;
  retryBaseMs?: number;
  retryMaxMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
}

export const DEFAULT_QUEUE_LIMITS: SinkQueueLimits = { maxRecords: 100_000, maxBytes: 64 * 1024 * 1024, spillMaxBytes: 256 * 1024 * 1024 };

interface Queued {
  batch: LogBatch;
  bytes: number;
}

interface Lane {
  sink: DecisionLogSink;
  queue: Queued[];
  records: number;
  bytes: number;
  running: boolean;
  attempt: number;
  idle: Array<() => void>;
  spill?: SpillFile;
  /** Set while the spill file holds batches: new ones go behind them, keeping the order. */
  spilling: boolean;
  warned: boolean;
}

export function createMemoryLogTransport(options: MemoryTransportOptions): DecisionLogTransport {
  const metrics = options.metrics ?? noopMetrics;
  const counters = createLogCounters(metrics);
  const logger = options.logger ?? silentLogger;
  const limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
  const base = options.retryBaseMs ?? 200;
  const maxDelay = options.retryMaxMs ?? 30_000;
  let closed = false;
  const lanes: Lane[] = options.sinks.map((sink) => ({
    sink,
    queue: [],
    records: 0,
    bytes: 0,
    running: false,
    attempt: 0,
    idle: [],
    ...(options.spillPath !== undefined && limits.spillMaxBytes > 0 ? { spill: createSpillFile(sinkSpillPath(options.spillPath, sink.name)) } : {}),
    spilling: false,
    warned: false,
  }));
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const report = (lane: Lane): void => counters.pending(lane.sink.name, 'queue', lane.records, lane.bytes);

  /** An empty lane takes any one batch, so a batch larger than the caps still moves. */
  function fits(lane: Lane, records: number, bytes: number): boolean {
    return lane.queue.length === 0 || (lane.records + records <= limits.maxRecords && lane.bytes + bytes <= limits.maxBytes);
  }

  function push(lane: Lane, batch: LogBatch, bytes: number): void {
    lane.queue.push({ batch, bytes });
    lane.records += batch.records.length;
    lane.bytes += bytes;
    report(lane);
  }

  function shift(lane: Lane): void {
    const head = lane.queue.shift();
    if (!head) return;
    lane.records -= head.batch.records.length;
    lane.bytes -= head.bytes;
    report(lane);
  }

  const overflow = { counters, logger, spillMaxBytes: limits.spillMaxBytes, warning: 'decision log queue full; records are spilled or dropped until the sink catches up' };
  const spillOrDrop = (lane: Lane, batch: LogBatch, reason: DropReason): Promise<void> => spillBatch(lane, lane.spill, batch, reason, overflow);

  /** Moves spilled batches back into memory, as far as the caps allow. */
  async function refill(lane: Lane): Promise<void> {
    const spill = lane.spill!;
    const name = lane.sink.name;
    try {
      await spill.replay(async (batch) => {
        const bytes = batchBytes(batch);
        if (!fits(lane, batch.records.length, bytes)) throw new Error('queue full');
        push(lane, batch, bytes);
        counters.count(name, 'replayed', batch.records.length);
      });
    } catch (e) {
      logger.error({ sink: name, err: e instanceof Error ? e.message : String(e) }, 'decision log spill file could not be replayed');
    }
    lane.spilling = await spill.hasPending().catch(() => true);
    counters.spillBytes(name, await spill.size().catch(() => 0));
  }

  async function run(lane: Lane): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    try {
      for (;;) {
        while (lane.queue.length > 0 && !closed) {
          const batch = lane.queue[0]!.batch;
          try {
            await lane.sink.deliver(batch.records);
            shift(lane);
            lane.attempt = 0;
            lane.warned = false;
            counters.count(lane.sink.name, 'delivered', batch.records.length);
          } catch (e) {
            lane.attempt++;
            metrics.increment('mcp_authz_decision_log_failures_total', { sink: lane.sink.name });
            if (lane.attempt === 1) logger.warn({ sink: lane.sink.name, err: e instanceof Error ? e.message : String(e) }, 'decision log sink failed; retrying with backoff');
            await sleep(backoffMs(lane.attempt, base, maxDelay));
          }
        }
        if (closed || !lane.spilling || !lane.spill) break;
        await refill(lane);
        if (lane.queue.length === 0) break;
      }
    } finally {
      lane.running = false;
    }
    if (lane.queue.length === 0 && !lane.spilling) for (const f of lane.idle.splice(0)) f();
  }

  // Batches spilled by an earlier process are delivered too.
  for (const lane of lanes) {
    void lane.spill?.hasPending().then((pending) => {
      if (!pending || closed) return;
      lane.spilling = true;
      void run(lane);
    }, () => undefined);
  }

  async function admit(lane: Lane, batch: LogBatch): Promise<void> {
    const bytes = batchBytes(batch);
    if (!lane.spilling && fits(lane, batch.records.length, bytes)) push(lane, batch, bytes);
    else await spillOrDrop(lane, batch, 'queue_full');
    void run(lane);
  }

  return {
    sinks: lanes.map((l) => l.sink.name),
    async enqueue(batch) {
      await Promise.all(lanes.map((lane) => admit(lane, batch)));
    },
    async depth() {
      return Object.fromEntries(lanes.map((l) => [l.sink.name, l.records]));
    },
    drain(timeoutMs) {
      const waits = lanes.map((l) => (l.queue.length === 0 && !l.running && !l.spilling ? Promise.resolve() : new Promise<void>((r) => l.idle.push(r))));
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), timeoutMs);
        void Promise.all(waits).then(() => {
          clearTimeout(t);
          resolve(true);
        });
      });
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      // What is still waiting goes to the spill file, for the next start (at least once: dedupe by id).
      for (const lane of lanes) {
        const waiting = lane.queue.splice(0);
        lane.records = 0;
        lane.bytes = 0;
        report(lane);
        for (const q of waiting) await spillOrDrop(lane, q.batch, 'shutdown');
      }
      for (const l of lanes) await l.sink.close?.();
    },
  };
}

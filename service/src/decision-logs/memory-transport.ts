// In-process transport (no REDIS_URL): one FIFO and one retrying worker per sink.
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import { backoffMs, type DecisionLogSink, type DecisionLogTransport, type LogBatch } from './types.js';

export interface MemoryTransportOptions {
  /** Sinks already wrapped with withDedupe. */
  sinks: readonly DecisionLogSink[];
  retryBaseMs?: number;
  retryMaxMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
}

interface Lane {
  sink: DecisionLogSink;
  queue: LogBatch[];
  running: boolean;
  attempt: number;
  idle: Array<() => void>;
}

export function createMemoryLogTransport(options: MemoryTransportOptions): DecisionLogTransport {
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const base = options.retryBaseMs ?? 200;
  const maxDelay = options.retryMaxMs ?? 30_000;
  let closed = false;
  const lanes: Lane[] = options.sinks.map((sink) => ({ sink, queue: [], running: false, attempt: 0, idle: [] }));
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function depthOf(lane: Lane): number {
    return lane.queue.reduce((n, b) => n + b.records.length, 0);
  }

  async function run(lane: Lane): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    while (lane.queue.length > 0 && !closed) {
      const batch = lane.queue[0];
      try {
        await lane.sink.deliver(batch.records);
        lane.queue.shift();
        lane.attempt = 0;
        metrics.increment('mcp_authz_decision_log_delivered_total', { sink: lane.sink.name }, batch.records.length);
      } catch (e) {
        lane.attempt++;
        metrics.increment('mcp_authz_decision_log_failures_total', { sink: lane.sink.name });
        if (lane.attempt === 1) logger.warn({ sink: lane.sink.name, err: e instanceof Error ? e.message : String(e) }, 'decision log sink failed; retrying with backoff');
        await sleep(backoffMs(lane.attempt, base, maxDelay));
      }
      metrics.set('mcp_authz_decision_log_queue_depth', depthOf(lane), { sink: lane.sink.name });
    }
    lane.running = false;
    if (lane.queue.length === 0) for (const f of lane.idle.splice(0)) f();
  }

  return {
    async enqueue(batch) {
      for (const lane of lanes) {
        lane.queue.push(batch);
        metrics.set('mcp_authz_decision_log_queue_depth', depthOf(lane), { sink: lane.sink.name });
        void run(lane);
      }
    },
    async depth() {
      return Object.fromEntries(lanes.map((l) => [l.sink.name, depthOf(l)]));
    },
    drain(timeoutMs) {
      const waits = lanes.map((l) => (l.queue.length === 0 && !l.running ? Promise.resolve() : new Promise<void>((r) => l.idle.push(r))));
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
      for (const l of lanes) await l.sink.close?.();
    },
  };
}

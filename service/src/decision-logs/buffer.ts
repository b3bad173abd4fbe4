// In-process buffer between decisions and the transport: write() is synchronous and never blocks.
import { randomUUID } from 'node:crypto';
import type { DecisionLogRecord, DecisionLogWriter } from '../decisions/index.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import type { ArgumentMasker } from './mask.js';
import type { DecisionLogTransport, LogRecord } from './types.js';

export interface DecisionLogBufferOptions {
  transport: DecisionLogTransport;
  masker: ArgumentMasker;
  /** Records held at most; beyond it new records are dropped (and counted). Default 100 000. */
  maxBuffered?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
  newId?: () => string;
}

export interface DecisionLogBuffer extends DecisionLogWriter {
  /** Hands everything buffered to the transport. */
  flush(): Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

export function createDecisionLogBuffer(options: DecisionLogBufferOptions): DecisionLogBuffer {
  const max = options.maxBuffered ?? 100_000;
  const batchSize = options.batchSize ?? 500;
  const interval = options.flushIntervalMs ?? 100;
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const newId = options.newId ?? randomUUID;
  let pending: DecisionLogRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let retryDelay = interval;

  function mask(r: DecisionLogRecord): LogRecord {
    return r.arguments === undefined ? r : { ...r, arguments: options.masker(r.arguments) };
  }

  function schedule(delay: number): void {
    if (timer || flushing) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
    timer.unref();
  }

  async function drainPending(): Promise<void> {
    while (pending.length > 0) {
      const taken = pending.slice(0, batchSize);
      pending = pending.slice(taken.length);
      try {
        await options.transport.enqueue({ id: newId(), records: taken.map(mask) });
        retryDelay = interval;
      } catch (e) {
        // The transport spills rather than failing; if it still fails, keep the records and retry.
        pending = taken.concat(pending);
        retryDelay = Math.min(retryDelay * 2, 5000);
        logger.error({ err: e instanceof Error ? e.message : String(e) }, 'decision log transport rejected a batch; will retry');
        break;
      }
    }
    metrics.set('mcp_authz_decision_log_buffered', pending.length);
  }

  function flush(): Promise<void> {
    if (flushing) return flushing.then(() => (pending.length > 0 ? flush() : undefined));
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    flushing = drainPending().finally(() => {
      flushing = undefined;
      if (pending.length > 0) schedule(retryDelay);
    });
    return flushing;
  }

  return {
    write(record) {
      if (pending.length >= max) {
        metrics.increment('mcp_authz_decision_log_dropped_total');
        return;
      }
      pending.push(record);
      if (pending.length >= batchSize && !flushing) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        setImmediate(() => void flush());
      } else schedule(interval);
    },
    flush,
    get size() {
      return pending.length;
    },
    async close() {
      await flush();
      if (timer) clearTimeout(timer);
    },
  };
}

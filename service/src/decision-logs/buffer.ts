// In-process buffer between decisions and the transport: write() is synchronous, never blocks, and is capped.
import { randomUUID } from 'node:crypto';
import type { DecisionLogRecord, DecisionLogWriter } from '../decisions/index.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import { createLogCounters } from './counters.js';
import { maskValue, type ArgumentMasker } from './mask.js';
import type { DecisionLogTransport, LogRecord } from './types.js';

export interface DecisionLogBufferOptions {
  transport: DecisionLogTransport;
  masker: ArgumentMasker;
  /** Records held at most; beyond it new records are dropped (and counted). Default 100 000. */
  maxBuffered?: number;
  /** Bytes (serialized, masked) held at most; beyond it new records are dropped. Default 64 MiB. */
  maxBufferedBytes?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
  newId?: () => string;
}

export interface DecisionLogBuffer extends DecisionLogWriter {
  /** Hands everything buffered to the transport. */
  flush(): Promise<void>;
  /** Records held. */
  readonly size: number;
  /** Serialized bytes held. */
  readonly bytes: number;
  close(): Promise<void>;
}

/** A batch larger than this is cut: it keeps Redis jobs and spill lines small. */
const BATCH_MAX_BYTES = 1024 * 1024;

interface Held {
  record: LogRecord;
  bytes: number;
}

export function createDecisionLogBuffer(options: DecisionLogBufferOptions): DecisionLogBuffer {
  const max = options.maxBuffered ?? 100_000;
  const maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const batchSize = options.batchSize ?? 500;
  const interval = options.flushIntervalMs ?? 100;
  const metrics = options.metrics ?? noopMetrics;
  const counters = createLogCounters(metrics);
  const logger = options.logger ?? silentLogger;
  const newId = options.newId ?? randomUUID;
  const sinks = options.transport.sinks;
  let pending: Held[] = [];
  let pendingBytes = 0;
  let handingOver = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let retryDelay = interval;

  // Masked when written: unmasked arguments are never held, and the size counted is what is kept.
  function mask(r: DecisionLogRecord): LogRecord {
    let out: LogRecord = r.arguments === undefined ? r : { ...r, arguments: options.masker(r.arguments) };
    if (typeof out.resource === 'string') out = { ...out, resource: maskValue(out.resource) };
    return out;
  }

  function report(): void {
    for (const s of sinks) counters.pending(s, 'buffer', pending.length, pendingBytes);
  }

  function schedule(delay: number): void {
    if (timer || flushing) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
    timer.unref();
  }

  function take(): { held: Held[]; bytes: number } {
    let n = 0;
    let bytes = 0;
    while (n < pending.length && n < batchSize && (n === 0 || bytes + pending[n]!.bytes <= BATCH_MAX_BYTES)) bytes += pending[n++]!.bytes;
    const held = pending.slice(0, n);
    pending = pending.slice(n);
    return { held, bytes };
  }

  async function drainPending(): Promise<void> {
    while (pending.length > 0) {
      const { held, bytes } = take();
      handingOver = held.length;
      try {
        // Still counted as held while the transport takes them: the cap covers them too.
        // As serialized in a queue or spill file: the records, their commas and the brackets.
        await options.transport.enqueue({ id: newId(), records: held.map((h) => h.record), bytes: bytes + held.length + 1 });
        pendingBytes -= bytes;
        retryDelay = interval;
      } catch (e) {
        // The transport spills or drops rather than failing; if it still fails, keep the records and retry.
        pending = held.concat(pending);
        retryDelay = Math.min(retryDelay * 2, 5000);
        logger.error({ err: e instanceof Error ? e.message : String(e) }, 'decision log transport rejected a batch; will retry');
        break;
      } finally {
        handingOver = 0;
        report();
      }
    }
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
      for (const s of sinks) counters.count(s, 'produced', 1);
      const masked = mask(record);
      const bytes = Buffer.byteLength(JSON.stringify(masked));
      // Both caps include the batch being handed over, so memory stays under them.
      if (pending.length + handingOver >= max || pendingBytes + bytes > maxBytes) {
        for (const s of sinks) counters.dropped(s, 'buffer_full', 1);
        return;
      }
      pending.push({ record: masked, bytes });
      pendingBytes += bytes;
      report();
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
    get bytes() {
      return pendingBytes;
    },
    async close() {
      await flush();
      if (timer) clearTimeout(timer);
    },
  };
}

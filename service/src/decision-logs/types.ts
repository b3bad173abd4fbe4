// Types of the decision log pipeline: records, batches, sinks and the transport between them.
import type { DecisionLogRecord } from '../decisions/index.js';

/** A record as sinks receive it: arguments already masked, never a token. */
export type LogRecord = DecisionLogRecord;

/** Records flushed together; `id` lets a queue drop a re-enqueued batch (spill replay). */
export interface LogBatch {
  id: string;
  records: LogRecord[];
  /** Serialized size of `records` in bytes, when the producer measured it. */
  bytes?: number;
}

/** Serialized size of a batch's records: what it costs in memory, in Redis and in a spill file. */
export function batchBytes(batch: LogBatch): number {
  return typeof batch.bytes === 'number' && batch.bytes >= 0 ? batch.bytes : Buffer.byteLength(JSON.stringify(batch.records));
}

/** Caps on what one sink may hold waiting (in memory, or in Redis) and in its spill file. */
export interface SinkQueueLimits {
  maxRecords: number;
  maxBytes: number;
  /** 0: records past the queue cap are dropped rather than spilled. */
  spillMaxBytes: number;
}

/** One destination. `deliver` resolves only when every record is durably handed over. */
export interface DecisionLogSink {
  readonly name: string;
  deliver(records: readonly LogRecord[]): Promise<void>;
  close?(): Promise<void>;
}

/** Moves batches to every sink independently (each sink its own queue, retries and dedupe). */
export interface DecisionLogTransport {
  /** Names of the sinks it delivers to (the `sink` label of the decision log counters). */
  readonly sinks: readonly string[];
  enqueue(batch: LogBatch): Promise<void>;
  /** Records waiting per sink (for metrics and tests). */
  depth(): Promise<Record<string, number>>;
  /** Resolves once every sink has delivered everything enqueued so far, or after `timeoutMs` (false). */
  drain(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Delay before retry number `attempt` (1-based): exponential, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
}

// Decision log accounting per sink: every record is produced once and ends delivered, dropped or waiting.
import type { MetricsHooks } from '../hooks/index.js';

/**
 * Stages of `mcp_authz_decision_logs_total{sink,stage}`. Per sink, at any time:
 * produced + replayed = delivered + spilled + dropped + pending (buffer, queue, redis).
 * A spilled record leaves memory for the spill file and re-enters as replayed.
 */
export type LogStage = 'produced' | 'delivered' | 'spilled' | 'replayed' | 'dropped';

/**
 * Why records were given up: the in-process buffer was full; or a sink's queue could take no more
 * (full, Redis unreachable, or the process stopping) and its spill file neither (full, disabled, failing).
 */
export type DropReason = 'buffer_full' | 'queue_full' | 'redis_unavailable' | 'shutdown' | 'spill_error';

/** Where waiting records are held (`mcp_authz_decision_logs_pending{sink,where}`). */
export type PendingPlace = 'buffer' | 'queue' | 'redis';

export interface LogCounters {
  count(sink: string, stage: Exclude<LogStage, 'dropped'>, n: number): void;
  dropped(sink: string, reason: DropReason, n: number): void;
  pending(sink: string, where: PendingPlace, records: number, bytes: number): void;
  spillBytes(sink: string, bytes: number): void;
}

export function createLogCounters(metrics: MetricsHooks): LogCounters {
  return {
    count(sink, stage, n) {
      if (n > 0) metrics.increment('mcp_authz_decision_logs_total', { sink, stage }, n);
    },
    dropped(sink, reason, n) {
      if (n > 0) metrics.increment('mcp_authz_decision_logs_total', { sink, stage: 'dropped', reason }, n);
    },
    pending(sink, where, records, bytes) {
      metrics.set('mcp_authz_decision_logs_pending', records, { sink, where });
      metrics.set('mcp_authz_decision_logs_pending_bytes', bytes, { sink, where });
    },
    spillBytes(sink, bytes) {
      metrics.set('mcp_authz_decision_logs_spill_bytes', bytes, { sink });
    },
  };
}

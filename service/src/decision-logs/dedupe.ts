// Per-sink deduplication by decision_id, so at-least-once delivery does not repeat records in a sink.
import type { DecisionLogSink, LogRecord } from './types.js';

/** A bounded set of ids (oldest forgotten first). */
export interface SeenIds {
  has(id: string): boolean;
  add(id: string): void;
}

export function createSeenIds(max: number): SeenIds {
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      if (ids.has(id)) return;
      ids.add(id);
      if (ids.size > max) ids.delete(ids.values().next().value as string);
    },
  };
}

/**
 * Wraps a sink so records already delivered to it are skipped. `seen` may be pre-seeded (the
 * JSONL sink seeds it from its current file) so that a retry after a restart is also deduplicated.
 */
export function withDedupe(sink: DecisionLogSink, seen: SeenIds): DecisionLogSink {
  return {
    name: sink.name,
    async deliver(records) {
      const fresh: LogRecord[] = [];
      const inBatch = new Set<string>();
      for (const r of records) {
        if (seen.has(r.decision_id) || inBatch.has(r.decision_id)) continue;
        inBatch.add(r.decision_id);
        fresh.push(r);
      }
      if (fresh.length === 0) return;
      await sink.deliver(fresh);
      for (const r of fresh) seen.add(r.decision_id);
    },
    ...(sink.close ? { close: () => sink.close!() } : {}),
  };
}

// What a transport does with a batch it cannot queue: the sink's spill file when there is room,
// otherwise a counted drop; either way the operator hears of it once per episode.
import type { Logger } from '../hooks/index.js';
import type { DropReason, LogCounters } from './counters.js';
import type { SpillFile } from './spill.js';
import type { LogBatch } from './types.js';

/** The part of a transport's per-sink state this step reads and sets. */
export interface OverflowLane {
  readonly sink: { readonly name: string };
  /** Set while the spill file holds batches: new ones go behind them, keeping the order. */
  spilling: boolean;
  /** Set once the episode has been logged; the transport clears it when batches flow again. */
  warned: boolean;
}

export interface OverflowDeps {
  counters: LogCounters;
  logger: Logger;
  spillMaxBytes: number;
  /** The warning logged once per episode. */
  warning: string;
}

/** Spills `batch` to `spill` (undefined: no spill file) or drops it for `reason`, counting either. */
export async function spillOrDrop(lane: OverflowLane, spill: SpillFile | undefined, batch: LogBatch, reason: DropReason, deps: OverflowDeps): Promise<void> {
  const name = lane.sink.name;
  const n = batch.records.length;
  let outcome: 'spilled' | DropReason = reason;
  if (spill !== undefined) {
    try {
      if (await spill.append(batch, deps.spillMaxBytes)) outcome = 'spilled';
    } catch (e) {
      outcome = 'spill_error';
      deps.logger.error({ sink: name, err: e instanceof Error ? e.message : String(e) }, 'decision log spill file could not be written');
    }
  }
  if (outcome === 'spilled') {
    lane.spilling = true;
    deps.counters.count(name, 'spilled', n);
    deps.counters.spillBytes(name, await spill!.size());
  } else deps.counters.dropped(name, outcome, n);
  if (!lane.warned) {
    lane.warned = true;
    deps.logger.warn({ sink: name, reason, outcome, records: n }, deps.warning);
  }
}

// Decision log sinks from the configuration, each wrapped with its own decision_id deduplication.
import { resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { DecisionLogSinkConfig } from '../config/types.js';
import {
  createHttpSink,
  createJsonlFileSink,
  createSeenIds,
  createStdoutSink,
  readLoggedIds,
  withDedupe,
  type DecisionLogSink,
  type SeenIds,
} from '../decision-logs/index.js';

/** Ids remembered per sink for deduplication (a window well beyond any retry). */
const SEEN_IDS = 200_000;

export interface ConfiguredSinks {
  sinks: DecisionLogSink[];
  /** Seeds the file sinks' dedupe sets from what their files already hold (after a restart). */
  seed(): Promise<void>;
}

/** Sink names become queue names: the type by default, unique across the list. */
function sinkNames(configs: readonly DecisionLogSinkConfig[]): string[] {
  const names = configs.map((c) => c.name ?? c.type);
  const issues = names.flatMap((name, i) =>
    names.indexOf(name) === i ? [] : [{ path: `decision_logs.sinks[${i}].name`, message: `"${name}" is used by an earlier sink; give each sink a distinct name` }],
  );
  if (issues.length > 0) throw new ConfigError(issues);
  return names;
}

export function createConfiguredSinks(configs: readonly DecisionLogSinkConfig[], cwd: string = process.cwd()): ConfiguredSinks {
  const names = sinkNames(configs);
  const seeds: Array<{ seen: SeenIds; path: string; maxFiles: number }> = [];
  const sinks = configs.map((c, i): DecisionLogSink => {
    const name = names[i]!;
    const seen = createSeenIds(SEEN_IDS);
    if (c.type === 'jsonl') {
      const path = resolve(cwd, c.path);
      seeds.push({ seen, path, maxFiles: c.max_files });
      return withDedupe(createJsonlFileSink({ name, path, maxBytes: c.max_bytes, maxFiles: c.max_files }), seen);
    }
    if (c.type === 'http') return withDedupe(createHttpSink({ name, url: c.url, timeoutMs: c.timeout_ms, ...(c.headers ? { headers: c.headers } : {}) }), seen);
    return withDedupe(createStdoutSink({ name }), seen);
  });
  return {
    sinks,
    async seed() {
      for (const s of seeds) for (const id of await readLoggedIds(s.path, s.maxFiles)) s.seen.add(id);
    },
  };
}

// Stdout sink: one JSON line per record (for container log collectors).
import type { DecisionLogSink } from '../types.js';

export interface StdoutSinkOptions {
  name?: string;
  /** Defaults to process.stdout; injectable for tests. */
  stream?: { write(chunk: string, cb: (err?: Error | null) => void): boolean };
}

export function createStdoutSink(options: StdoutSinkOptions = {}): DecisionLogSink {
  const stream = options.stream ?? process.stdout;
  return {
    name: options.name ?? 'stdout',
    deliver(records) {
      const text = records.map((r) => JSON.stringify(r) + '\n').join('');
      return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
    },
  };
}

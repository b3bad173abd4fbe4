// A sink's local spill file for batches its queue could not take; bounded in bytes, replayed in order.
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { LogBatch } from './types.js';

export interface SpillFile {
  /**
   * Appends a batch unless the file would then hold more than `maxBytes` (false: nothing written).
   * Rejects when the file cannot be written.
   */
  append(batch: LogBatch, maxBytes: number): Promise<boolean>;
  /** True when batches are waiting to be replayed. */
  hasPending(): Promise<boolean>;
  /** Bytes waiting (the spill file and an interrupted replay's file). */
  size(): Promise<number>;
  /**
   * Sends spilled batches in order, reading the file line by line (never whole). A failing send
   * stops the replay; the unsent batches stay spilled. Returns the batches sent. Replays never overlap.
   */
  replay(send: (batch: LogBatch) => Promise<void>): Promise<number>;
}

export function createSpillFile(path: string): SpillFile {
  const replaying = `${path}.replaying`;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  };
  const sizeOf = (p: string): Promise<number> => stat(p).then(
    (s) => s.size,
    () => -1,
  );
  const bytesOf = async (): Promise<number> => Math.max(await sizeOf(path), 0) + Math.max(await sizeOf(replaying), 0);

  async function replayFile(file: string, send: (batch: LogBatch) => Promise<void>): Promise<{ sent: number; done: boolean }> {
    const input = createReadStream(file, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let offset = 0;
    let sent = 0;
    let stoppedAt: number | undefined;
    try {
      for await (const line of lines) {
        const start = offset;
        offset += Buffer.byteLength(line) + 1;
        if (line.trim() === '') continue;
        let batch: LogBatch;
        try {
          batch = JSON.parse(line) as LogBatch;
        } catch {
          continue; // a torn last line from a crash mid-append
        }
        try {
          await send(batch);
          sent++;
        } catch {
          stoppedAt = start;
          break;
        }
      }
    } finally {
      lines.close();
      input.destroy();
    }
    if (stoppedAt === undefined) {
      await rm(file, { force: true });
      return { sent, done: true };
    }
    // Put the rest back in front of anything spilled meanwhile, keeping the order.
    const tmp = `${path}.tmp`;
    await pipeline(createReadStream(file, { start: stoppedAt }), createWriteStream(tmp));
    if ((await sizeOf(path)) >= 0) await pipeline(createReadStream(path), createWriteStream(tmp, { flags: 'a' }));
    await rename(tmp, path);
    await rm(file, { force: true });
    return { sent, done: false };
  }

  return {
    append(batch, maxBytes) {
      return serial(async () => {
        const line = JSON.stringify(batch) + '\n';
        if ((await bytesOf()) + Buffer.byteLength(line) > maxBytes) return false;
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, line);
        return true;
      });
    },
    hasPending() {
      return serial(async () => (await bytesOf()) > 0);
    },
    size() {
      return serial(bytesOf);
    },
    replay(send) {
      return serial(async () => {
        let total = 0;
        // A replay interrupted by a crash left its file behind: finish it first.
        if ((await sizeOf(replaying)) >= 0) {
          const r = await replayFile(replaying, send);
          total += r.sent;
          if (!r.done) return total;
        }
        if ((await sizeOf(path)) < 0) return total;
        await rename(path, replaying);
        total += (await replayFile(replaying, send)).sent;
        return total;
      });
    },
  };
}

/** The spill file of one sink: `<base>.<sink>.jsonl` beside the configured `spill_path`. */
export function sinkSpillPath(base: string, sink: string): string {
  const stem = base.endsWith('.jsonl') ? base.slice(0, -'.jsonl'.length) : base;
  return `${stem}.${sink}.jsonl`;
}

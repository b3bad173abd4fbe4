// Local spill file for batches the queue could not take (Redis down); replayed when it is back.
import { appendFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LogBatch } from './types.js';

export interface SpillFile {
  append(batch: LogBatch): Promise<void>;
  /** True when batches are waiting to be replayed. */
  hasPending(): Promise<boolean>;
  /**
   * Sends spilled batches in order. A failing send stops the replay; the unsent batches stay
   * spilled. Returns how many were sent. Replays never overlap.
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
  const exists = (p: string): Promise<boolean> => stat(p).then(
    () => true,
    () => false,
  );

  async function replayFile(file: string, send: (batch: LogBatch) => Promise<void>): Promise<{ sent: number; done: boolean }> {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    let sent = 0;
    for (let i = 0; i < lines.length; i++) {
      let batch: LogBatch;
      try {
        batch = JSON.parse(lines[i]) as LogBatch;
      } catch {
        continue; // a torn last line from a crash mid-append
      }
      try {
        await send(batch);
        sent++;
      } catch {
        // Put the rest back in front of anything spilled meanwhile, keeping the order.
        const rest = lines.slice(i).join('\n') + '\n';
        const newer = await readFile(path, 'utf8').catch(() => '');
        await appendFile(`${path}.tmp`, rest + newer, { flag: 'w' });
        await rename(`${path}.tmp`, path);
        await rm(file, { force: true });
        return { sent, done: false };
      }
    }
    await rm(file, { force: true });
    return { sent, done: true };
  }

  return {
    append(batch) {
      return serial(async () => {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, JSON.stringify(batch) + '\n');
      });
    },
    hasPending() {
      return serial(async () => (await exists(path)) || (await exists(replaying)));
    },
    replay(send) {
      return serial(async () => {
        let total = 0;
        // A replay interrupted by a crash left its file behind: finish it first.
        if (await exists(replaying)) {
          const r = await replayFile(replaying, send);
          total += r.sent;
          if (!r.done) return total;
        }
        if (!(await exists(path))) return total;
        await rename(path, replaying);
        total += (await replayFile(replaying, send)).sent;
        return total;
      });
    },
  };
}

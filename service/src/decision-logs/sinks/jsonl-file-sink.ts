// JSONL file sink with size-based rotation (file, file.1, … file.N).
import { appendFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DecisionLogSink } from '../types.js';

export interface JsonlFileSinkOptions {
  name?: string;
  path: string;
  /** Rotate before a write would take the file past this size. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept besides the current one. Default 5. */
  maxFiles?: number;
}

/** The current file followed by its rotated predecessors, newest first. */
export function jsonlFiles(path: string, maxFiles: number): string[] {
  return [path, ...Array.from({ length: maxFiles }, (_, i) => `${path}.${i + 1}`)];
}

/** decision_ids present in the sink's files, to seed deduplication after a restart. */
export async function readLoggedIds(path: string, maxFiles = 5): Promise<string[]> {
  const ids: string[] = [];
  for (const f of jsonlFiles(path, maxFiles)) {
    const text = await readFile(f, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const m = /"decision_id":"([^"]+)"/.exec(line);
      if (m) ids.push(m[1]);
    }
  }
  return ids;
}

export function createJsonlFileSink(options: JsonlFileSinkOptions): DecisionLogSink {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 5;
  let size: number | undefined;
  let chain: Promise<void> = Promise.resolve();

  async function rotate(): Promise<void> {
    const files = jsonlFiles(options.path, maxFiles);
    await rm(files[files.length - 1], { force: true });
    for (let i = files.length - 2; i >= 0; i--) await rename(files[i], files[i + 1]).catch(() => undefined);
    size = 0;
  }

  async function write(text: string): Promise<void> {
    if (size === undefined) {
      await mkdir(dirname(options.path), { recursive: true });
      size = (await stat(options.path).catch(() => undefined))?.size ?? 0;
    }
    const bytes = Buffer.byteLength(text);
    if (size > 0 && size + bytes > maxBytes) await rotate();
    await appendFile(options.path, text);
    size += bytes;
  }

  return {
    name: options.name ?? 'file',
    deliver(records) {
      const text = records.map((r) => JSON.stringify(r) + '\n').join('');
      const next = chain.then(() => write(text));
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

// Watches a policy directory for changes: fs.watch (recursive) when available, else polling; debounced.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface PolicyWatchOptions {
  dir: string;
  onChange: () => void;
  /** Quiet period before a burst of changes triggers once. Default 250 ms. */
  debounceMs?: number;
  /** 'auto' tries fs.watch recursive and falls back to polling. */
  mode?: 'auto' | 'watch' | 'poll';
  pollIntervalMs?: number;
}

export interface PolicyWatcher {
  readonly mode: 'watch' | 'poll';
  /** Resolves once changes from now on are noticed (polling has its first fingerprint). */
  readonly ready: Promise<void>;
  close(): void;
}

/** Cheap fingerprint of a tree (names, sizes, mtimes) for the polling fallback. */
async function fingerprint(dir: string): Promise<string> {
  const parts: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      parts.push(`!${d}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        const s = await stat(full).catch(() => undefined);
        parts.push(`${full}:${s?.size ?? -1}:${s?.mtimeMs ?? -1}`);
      }
    }
  }
  await walk(dir);
  return parts.join('\n');
}

export function watchPolicyDir(options: PolicyWatchOptions): PolicyWatcher {
  const debounceMs = options.debounceMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const trigger = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) options.onChange();
    }, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  if (options.mode !== 'poll') {
    try {
      watcher = watch(options.dir, { recursive: true, persistent: false }, (_event, name) => {
        if (typeof name === 'string' && name.split(/[\\/]/).some((s) => s.startsWith('.'))) return;
        trigger();
      });
      watcher.on('error', () => undefined);
    } catch (e) {
      if (options.mode === 'watch') throw e;
      watcher = undefined;
    }
  }
  if (watcher) {
    const w = watcher;
    return {
      mode: 'watch',
      ready: Promise.resolve(),
      close() {
        closed = true;
        if (timer) clearTimeout(timer);
        w.close();
      },
    };
  }

  let last: string | undefined;
  let polling = false;
  const poll = async (): Promise<void> => {
    if (polling || closed) return;
    polling = true;
    try {
      const fp = await fingerprint(options.dir);
      if (last !== undefined && fp !== last) trigger();
      last = fp;
    } finally {
      polling = false;
    }
  };
  const ready = poll();
  const interval = setInterval(() => void poll(), options.pollIntervalMs ?? 1000);
  interval.unref();
  return {
    mode: 'poll',
    ready,
    close() {
      closed = true;
      clearInterval(interval);
      if (timer) clearTimeout(timer);
    },
  };
}

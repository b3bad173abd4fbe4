// Watches a policy directory for changes: fs.watch (recursive, re-armed after renames) backed by a
// periodic content check, or polling alone; debounced.
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
  /** Interval of the content check; in 'watch' mode it backs up fs.watch. Default 1 s when polling, 5 s beside fs.watch. */
  pollIntervalMs?: number;
}

export interface PolicyWatcher {
  readonly mode: 'watch' | 'poll';
  /** Resolves once changes from now on are noticed (the check has its first fingerprint). */
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * Cheap fingerprint of a tree: the listing of every directory and each file's inode, size and
 * mtime. The inode catches a file replaced by rename with the same size and mtime granularity.
 */
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
      const s = await stat(full).catch(() => undefined);
      if (s?.isDirectory()) await walk(full);
      else parts.push(`${full}:${s?.ino ?? -1}:${s?.size ?? -1}:${s?.mtimeMs ?? -1}`);
    }
  }
  await walk(dir);
  return parts.join('\n');
}

/** fs.watch on the tree; Node 20 loses a file's events once it is replaced by rename, so a rename re-arms it. */
function armWatcher(dir: string, onEvent: () => void): { close(): void } {
  let current: FSWatcher | undefined;
  let closed = false;
  const arm = (): void => {
    current?.close();
    current = watch(dir, { recursive: true, persistent: false }, (event, name) => {
      if (typeof name === 'string' && name.split(/[\\/]/).some((s) => s.startsWith('.'))) return;
      onEvent();
      if (event === 'rename' && !closed) setImmediate(rearm);
    });
    current.on('error', () => undefined);
  };
  const rearm = (): void => {
    if (closed) return;
    try {
      arm();
    } catch {
      // The directory itself went away; the content check keeps noticing what happens next.
      current = undefined;
    }
    // A write between closing and re-arming would otherwise go unnoticed.
    onEvent();
  };
  arm();
  return {
    close(): void {
      closed = true;
      current?.close();
    },
  };
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

  let watcher: { close(): void } | undefined;
  if (options.mode !== 'poll') {
    try {
      watcher = armWatcher(options.dir, trigger);
    } catch (e) {
      if (options.mode === 'watch') throw e;
      watcher = undefined;
    }
  }

  let last: string | undefined;
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking || closed) return;
    checking = true;
    try {
      const fp = await fingerprint(options.dir);
      if (last !== undefined && fp !== last) trigger();
      last = fp;
    } finally {
      checking = false;
    }
  };
  const ready = check();
  const interval = setInterval(() => void check(), options.pollIntervalMs ?? (watcher ? 5000 : 1000));
  interval.unref();
  return {
    mode: watcher ? 'watch' : 'poll',
    ready,
    close() {
      closed = true;
      clearInterval(interval);
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}

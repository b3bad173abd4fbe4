// An in-memory file system: the example tools' side effects, observable by tests.

/** A tiny virtual file system with a backup counter. */
export class FileStore {
  /** File contents by absolute path. */
  readonly files = new Map<string, string>();
  /** Snapshots taken by the admin tool. */
  readonly backups: Map<string, string>[] = [];

  /** @param seed - initial files */
  constructor(seed: Record<string, string> = {}) {
    for (const [path, content] of Object.entries(seed)) this.files.set(path, content);
  }

  /** Paths directly or indirectly under `dir`, sorted. */
  list(dir: string): string[] {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return [...this.files.keys()].filter((path) => path.startsWith(prefix)).sort();
  }

  /** Saves a snapshot of every file; returns its number. */
  backup(): number {
    this.backups.push(new Map(this.files));
    return this.backups.length;
  }
}

/** The files the example server starts with. */
export const exampleSeed: Record<string, string> = {
  '/workspace/README.md': '# Example workspace\n',
  '/workspace/notes/todo.txt': 'ship the SDK\n',
  '/srv/shared/handbook.md': 'Be kind.\n',
};

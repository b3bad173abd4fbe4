// Loads policy sources like `opa eval -d`: every .rego file, data files at their directory path,
// a content-hash revision and the git commit beside it. Shared by the service and the CLI.
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ModuleSource } from '../rego/index.js';
import type { PlainObject } from '../rego/value.js';
import { PolicyLoadError } from './errors.js';
import { readGitCommit } from './git-commit.js';
import { DataMerger } from './merge-data.js';
import { DocumentParseError, documentFormat, parseDocument } from './parse-document.js';

/** Everything loaded from the given paths, ready for `compilePolicy`. */
export interface LoadedPolicy {
  /** Rego modules; `path` is the file as reached from the given path (used in error locations). */
  modules: ModuleSource[];
  /** Base document: each data file merged under its directory path. */
  data: PlainObject;
  /** Every file loaded (modules and data), in load order. */
  files: string[];
  /** SHA-256 (hex) over the sorted root-relative paths and contents of everything loaded. */
  revision: string;
  /** HEAD commit when the paths sit in one git work tree. */
  gitCommit?: string;
  /** A compiled module (an OPA bundle's policy.wasm): it decides, through opa-wasm, instead of `modules`. */
  wasm?: Uint8Array;
  /** The manifest of the OPA bundle this was loaded from. */
  bundle?: { revision: string; roots: string[]; signed: boolean };
}

const DATA_FILE_NAMES = new Set(['data.json', 'data.yaml', 'data.yml']);

interface FoundFile {
  /** Index of the root it was found under (keeps equal relative paths of two roots apart). */
  root: number;
  /** Path relative to its root, `/`-separated: what the revision hashes, so it is location independent. */
  rel: string;
  /** Path as reached from the root given by the caller: what errors and `files` show. */
  display: string;
  kind: 'rego' | 'data';
  /** Data path under `data` (directory segments relative to the root). */
  dataPath: string[];
}

/**
 * Loads `.rego` files (recursively; a file may be named directly) and `data.json` / `data.yaml` /
 * `data.yml` files, each merged under `data` at its directory path relative to the root given.
 * Entries whose name starts with a dot (`.git`, editor files) are skipped.
 * Throws PolicyLoadError naming the file on any failure.
 */
export async function loadPolicySources(paths: readonly string[]): Promise<LoadedPolicy> {
  const found: FoundFile[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < paths.length; i++) {
    for (const f of await findRoot(paths[i], i)) {
      // The same file reached through two given paths is loaded once.
      const real = await realpath(f.display);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(f);
    }
  }
  found.sort((a, b) => a.root - b.root || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));

  const contents = await Promise.all(found.map((f) => readText(f.display)));
  const modules: ModuleSource[] = [];
  const merger = new DataMerger();
  const hash = createHash('sha256');
  found.forEach((f, i) => {
    const text = contents[i];
    hash.update(`${f.root}:${f.rel}\n${Buffer.byteLength(text)}\n`).update(text);
    if (f.kind === 'rego') modules.push({ path: f.display, source: text });
    else merger.add(f.dataPath, parseDataFile(f.display, text), f.display);
  });

  const result: LoadedPolicy = {
    modules,
    data: merger.data as PlainObject,
    files: found.map((f) => f.display),
    revision: hash.digest('hex'),
  };
  const gitCommit = await commonGitCommit(paths);
  if (gitCommit !== undefined) result.gitCommit = gitCommit;
  return result;
}

async function findRoot(root: string, index: number): Promise<FoundFile[]> {
  const info = await statOrThrow(root);
  if (info.isDirectory()) {
    const out: FoundFile[] = [];
    await walk(root, [], index, out, new Set([await realpath(root)]));
    return out;
  }
  const name = basename(root);
  if (name.endsWith('.rego')) return [{ root: index, rel: name, display: root, kind: 'rego', dataPath: [] }];
  // A data file named directly is merged at the root of `data`, as `opa eval -d file.json` does.
  if (documentFormat(name)) return [{ root: index, rel: name, display: root, kind: 'data', dataPath: [] }];
  throw new PolicyLoadError('policy_load_error', root, 'not a directory, .rego, JSON or YAML file');
}

async function walk(dir: string, segments: string[], root: number, out: FoundFile[], visited: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (e) {
    throw new PolicyLoadError('policy_load_error', dir, describeFsError(e));
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    const info = await statOrThrow(full);
    if (info.isDirectory()) {
      // Symlinked directories are followed once; a link back up the tree is not a loop.
      const real = await realpath(full);
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(full, [...segments, name], root, out, visited);
    } else if (info.isFile()) {
      const rel = [...segments, name].join('/');
      if (name.endsWith('.rego')) out.push({ root, rel, display: full, kind: 'rego', dataPath: [] });
      else if (DATA_FILE_NAMES.has(name)) out.push({ root, rel, display: full, kind: 'data', dataPath: segments });
    }
  }
}

function parseDataFile(file: string, text: string): unknown {
  try {
    return parseDocument(text, documentFormat(file) ?? 'json');
  } catch (e) {
    const line = e instanceof DocumentParseError && e.line !== undefined ? ` (line ${e.line})` : '';
    throw new PolicyLoadError('policy_data_error', file, `${(e as Error).message}${line}`);
  }
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    throw new PolicyLoadError('policy_load_error', path, describeFsError(e));
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new PolicyLoadError('policy_load_error', path, describeFsError(e));
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
}

/** The commit when every given path resolves to the same HEAD; otherwise none is reported. */
async function commonGitCommit(paths: readonly string[]): Promise<string | undefined> {
  if (paths.length === 0) return undefined;
  const dirs = await Promise.all(paths.map(async (p) => ((await stat(p)).isDirectory() ? p : dirname(p))));
  const commits = await Promise.all([...new Set(dirs)].map(readGitCommit));
  return commits.every((c) => c !== undefined && c === commits[0]) ? commits[0] : undefined;
}


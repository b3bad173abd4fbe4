// An OPA bundle's files as a loaded policy: `.manifest` (revision, roots, wasm modules), data files at
// their directory path, `.rego` modules and an optional `policy.wasm`; everything must sit under the roots.
import { createHash } from 'node:crypto';
import { DataMerger, DocumentParseError, PolicyLoadError, documentFormat, parseDocument, type LoadedPolicy } from '../policy/index.js';
import { BundleError } from './errors.js';
import { SIGNATURES_FILE } from './signature.js';
import type { TarEntry } from './tar-gz.js';

export const MANIFEST_FILE = '.manifest';
const DATA_FILES = new Set(['data.json', 'data.yaml', 'data.yml']);

interface Manifest {
  revision: string;
  roots: string[];
  wasm: Array<{ entrypoint: string; module: string }>;
}

function parseManifest(entry: TarEntry | undefined): Manifest {
  if (entry === undefined) return { revision: '', roots: [''], wasm: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(entry.data.toString('utf8'));
  } catch {
    throw new BundleError('bundle_invalid', 'is not JSON', MANIFEST_FILE);
  }
  const m = doc as { revision?: unknown; roots?: unknown; wasm?: unknown } | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new BundleError('bundle_invalid', 'must be a JSON object', MANIFEST_FILE);
  if (m.revision !== undefined && typeof m.revision !== 'string') throw new BundleError('bundle_invalid', '"revision" must be a string', MANIFEST_FILE);
  if (m.roots !== undefined && (!Array.isArray(m.roots) || !m.roots.every((r) => typeof r === 'string'))) {
    throw new BundleError('bundle_invalid', '"roots" must be a list of strings', MANIFEST_FILE);
  }
  const wasm = m.wasm ?? [];
  if (!Array.isArray(wasm) || !wasm.every((w) => typeof (w as { module?: unknown })?.module === 'string')) {
    throw new BundleError('bundle_invalid', '"wasm" must list objects with a "module" path', MANIFEST_FILE);
  }
  const roots = ((m.roots as string[] | undefined) ?? ['']).map((r) => r.replace(/^\/+|\/+$/g, ''));
  return { revision: (m.revision as string | undefined) ?? '', roots, wasm: wasm as Manifest['wasm'] };
}

/** Whether `path` (`/`-separated under `data`) lies under one of the roots. */
function underRoots(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => r === '' || path === r || path.startsWith(`${r}/`));
}

/** The package path of a module (`package a.b["c"]` → `a/b/c`); undefined when it has no package line. */
function packagePath(source: string): string | undefined {
  const m = /^[ \t]*package[ \t]+([^\s#]+)/m.exec(source.replace(/#[^\n]*/g, ''));
  if (!m) return undefined;
  return m[1]!.replace(/\[\s*"([^"]*)"\s*\]/g, '.$1').replace(/^data\./, '').split('.').join('/');
}

function parseData(name: string, data: Buffer): unknown {
  try {
    return parseDocument(data.toString('utf8'), documentFormat(name) ?? 'json');
  } catch (e) {
    const line = e instanceof DocumentParseError && e.line !== undefined ? ` (line ${e.line})` : '';
    throw new BundleError('bundle_invalid', `${(e as Error).message}${line}`, name);
  }
}

/** Builds the loaded policy from a bundle's (already verified) files. Throws BundleError. */
export function readBundle(entries: readonly TarEntry[], signed: boolean): LoadedPolicy {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) throw new BundleError('bundle_invalid', 'appears twice in the archive', sorted[i]!.name);
  }
  for (const e of sorted) {
    if (e.name === '' || e.name.split('/').some((p) => p === '..' || p === '')) throw new BundleError('bundle_invalid', 'unsafe path in the archive', e.name || '(empty)');
  }
  const manifest = parseManifest(sorted.find((e) => e.name === MANIFEST_FILE));
  const wasmNames = new Set(manifest.wasm.length > 0 ? manifest.wasm.map((w) => w.module.replace(/^\/+/, '')) : ['policy.wasm']);
  const merger = new DataMerger();
  const modules: LoadedPolicy['modules'] = [];
  const hash = createHash('sha256');
  let wasm: Uint8Array | undefined;
  for (const e of sorted) {
    if (e.name === SIGNATURES_FILE) continue;
    hash.update(`${e.name}\n${e.data.length}\n`).update(e.data);
    const base = e.name.slice(e.name.lastIndexOf('/') + 1);
    const dir = e.name.includes('/') ? e.name.slice(0, e.name.lastIndexOf('/')).split('/') : [];
    if (e.name.endsWith('.rego')) {
      const source = e.data.toString('utf8');
      const pkg = packagePath(source);
      if (pkg !== undefined && !underRoots(pkg, manifest.roots)) throw new BundleError('bundle_invalid', `package ${pkg.split('/').join('.')} is outside the manifest roots`, e.name);
      modules.push({ path: e.name, source });
    } else if (DATA_FILES.has(base)) {
      const value = parseData(e.name, e.data);
      const keys = dir.length === 0 && typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [dir.join('/')];
      const outside = keys.find((k) => !underRoots(k, manifest.roots));
      if (outside !== undefined) throw new BundleError('bundle_invalid', `data at ${outside || '(root)'} is outside the manifest roots`, e.name);
      try {
        merger.add(dir, value, e.name);
      } catch (err) {
        throw new BundleError('bundle_invalid', err instanceof PolicyLoadError ? err.reason : (err as Error).message, e.name);
      }
    } else if (wasmNames.has(e.name)) {
      if (wasm !== undefined) throw new BundleError('bundle_invalid', 'only one wasm module per bundle is supported', e.name);
      wasm = new Uint8Array(e.data);
    }
  }
  if (manifest.wasm.length > 0 && wasm === undefined) throw new BundleError('bundle_invalid', 'the manifest names a wasm module the bundle does not hold', MANIFEST_FILE);
  const loaded: LoadedPolicy = {
    modules,
    data: merger.data as LoadedPolicy['data'],
    files: sorted.map((e) => e.name),
    revision: hash.digest('hex'),
    bundle: { revision: manifest.revision, roots: manifest.roots, signed },
  };
  if (wasm !== undefined) loaded.wasm = wasm;
  return loaded;
}

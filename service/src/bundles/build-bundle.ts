// Builds an OPA bundle from a policy directory as `opa build` does: the .rego and data files at their
// paths, a `.manifest` with revision and roots, and, with a signing key, `.signatures.json`.
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { loadPolicySources } from '../policy/index.js';
import { MANIFEST_FILE } from './read-bundle.js';
import { SIGNATURES_FILE, signBundle, type BundleSigningOptions } from './signature.js';
import { writeTarGz, type TarEntry } from './tar-gz.js';

export interface BuildBundleOptions {
  /** Manifest revision; default the content hash of the directory. */
  revision?: string;
  /** Manifest roots; default `[""]` (the whole of data). */
  roots?: string[];
  signing?: BundleSigningOptions;
}

export interface BuiltBundle {
  archive: Buffer;
  revision: string;
  files: string[];
  signed: boolean;
}

/** Loads (and so checks) the directory, then packs it. Throws PolicyLoadError on a bad directory. */
export async function buildBundle(dir: string, options: BuildBundleOptions = {}): Promise<BuiltBundle> {
  const loaded = await loadPolicySources([dir]);
  const revision = options.revision ?? loaded.revision;
  const entries: TarEntry[] = [];
  for (const file of loaded.files) {
    entries.push({ name: relative(dir, file).split(sep).join('/'), data: await readFile(file) });
  }
  // A compiled module beside the sources travels too (`opa build -t wasm` output unpacked).
  const wasm = await readFile(join(dir, 'policy.wasm')).catch(() => undefined);
  if (wasm !== undefined) entries.push({ name: 'policy.wasm', data: wasm });
  entries.unshift({ name: MANIFEST_FILE, data: Buffer.from(`${JSON.stringify({ revision, roots: options.roots ?? [''] })}\n`) });
  if (options.signing) entries.unshift({ name: SIGNATURES_FILE, data: await signBundle(entries, options.signing) });
  // OPA writes absolute entry names (`/data.json`); readers of either form accept them.
  const archive = writeTarGz(entries.map((e) => ({ name: `/${e.name}`, data: e.data })));
  return { archive, revision, files: entries.map((e) => e.name), signed: options.signing !== undefined };
}

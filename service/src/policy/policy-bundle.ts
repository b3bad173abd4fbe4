// A loaded revision as portable content (relative paths + text), so other replicas can load it too.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { LoadedPolicy } from './loader.js';

/** A file as text, or (a binary file such as a bundle archive) as base64. */
export type PolicyBundleFile = { path: string; text: string } | { path: string; base64: string };

export interface PolicyBundle {
  revision: string;
  gitCommit?: string;
  files: PolicyBundleFile[];
}

/** Reads back the files a load used, with paths relative to the policy directory. */
export async function bundleFromLoad(dir: string, loaded: LoadedPolicy): Promise<PolicyBundle> {
  const files = await Promise.all(
    loaded.files.map(async (f): Promise<PolicyBundleFile> => {
      const path = relative(dir, f).split(sep).join('/');
      const bytes = await readFile(f);
      const text = bytes.toString('utf8');
      return Buffer.from(text, 'utf8').equals(bytes) ? { path, text } : { path, base64: bytes.toString('base64') };
    }),
  );
  const bundle: PolicyBundle = { revision: loaded.revision, files };
  if (loaded.gitCommit !== undefined) bundle.gitCommit = loaded.gitCommit;
  return bundle;
}

/** Checks untrusted bundle JSON (it comes from the shared store) including its paths. */
export function parseBundle(text: string): PolicyBundle {
  const b = JSON.parse(text) as Partial<PolicyBundle>;
  if (typeof b.revision !== 'string' || !Array.isArray(b.files)) throw new Error('malformed policy bundle');
  for (const f of b.files) {
    const parts = typeof f?.path === 'string' ? f.path.split('/') : [];
    const content = (f as { text?: unknown } | undefined)?.text ?? (f as { base64?: unknown } | undefined)?.base64;
    if (typeof content !== 'string' || parts.length === 0 || isAbsolute(f.path) || parts.some((p) => p === '..' || p === '' || p.startsWith('.'))) {
      throw new Error('policy bundle holds an unsafe path');
    }
  }
  return b as PolicyBundle;
}

/** Writes a bundle under `root` (replacing what was there) and returns the directory. */
export async function stageBundle(root: string, bundle: PolicyBundle): Promise<string> {
  const dir = join(root, bundle.revision);
  await rm(dir, { recursive: true, force: true });
  for (const f of bundle.files) {
    const target = join(dir, ...f.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, 'text' in f ? f.text : Buffer.from(f.base64, 'base64'));
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

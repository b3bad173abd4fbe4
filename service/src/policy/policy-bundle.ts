// A loaded revision as portable content (relative paths + text), so other replicas can load it too.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { LoadedPolicy } from './loader.js';

export interface PolicyBundleFile {
  path: string;
  text: string;
}

export interface PolicyBundle {
  revision: string;
  gitCommit?: string;
  files: PolicyBundleFile[];
}

/** Reads back the files a load used, with paths relative to the policy directory. */
export async function bundleFromLoad(dir: string, loaded: LoadedPolicy): Promise<PolicyBundle> {
  const files = await Promise.all(
    loaded.files.map(async (f) => ({ path: relative(dir, f).split(sep).join('/'), text: await readFile(f, 'utf8') })),
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
    if (typeof f?.text !== 'string' || parts.length === 0 || isAbsolute(f.path) || parts.some((p) => p === '..' || p === '' || p.startsWith('.'))) {
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
    await writeFile(target, f.text);
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

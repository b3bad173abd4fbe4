// The policy source loader of a bundle: reads the archive, verifies its signature, then its files;
// every refusal is counted by code, and reload keeps the last good revision serving.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noopMetrics, type MetricsHooks } from '../hooks/index.js';
import type { LoadedPolicy, PolicySourceLoader } from '../policy/index.js';
import { BundleError } from './errors.js';
import { readBundle } from './read-bundle.js';
import { verifyBundle, type BundleVerification } from './signature.js';
import { DEFAULT_TAR_LIMITS, TarError, readTarGz, type TarReadLimits } from './tar-gz.js';

/** Reads and verifies one bundle archive. Throws BundleError. */
export async function loadBundleArchive(archive: Buffer, verification: BundleVerification, limits: TarReadLimits = DEFAULT_TAR_LIMITS): Promise<LoadedPolicy> {
  let entries;
  try {
    entries = readTarGz(archive, limits);
  } catch (e) {
    if (e instanceof TarError) throw new BundleError('bundle_invalid', `not a valid bundle archive: ${e.message}`);
    throw e;
  }
  const signed = await verifyBundle(entries, verification);
  return readBundle(entries, signed);
}

export interface BundleLoaderOptions {
  /** File name of the archive inside the directory the reloader hands over. */
  name: string;
  verification: BundleVerification;
  limits?: TarReadLimits;
  metrics?: MetricsHooks;
}

/**
 * A PolicySourceLoader over `<dir>/<name>`: the reloader passes the bundle's directory, or the
 * directory it staged another replica's copy in, so both go through the same verification.
 */
export function createBundleLoader(options: BundleLoaderOptions): PolicySourceLoader {
  const metrics = options.metrics ?? noopMetrics;
  return async (paths) => {
    const file = join(paths[0] ?? '.', options.name);
    try {
      let archive: Buffer;
      try {
        archive = await readFile(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new BundleError('bundle_invalid', code === 'ENOENT' ? 'no bundle yet (file not found)' : `cannot read the bundle (${code ?? String(e)})`, options.name);
      }
      const loaded = await loadBundleArchive(archive, options.verification, options.limits);
      // What other replicas are sent is the archive itself, so they verify the same signature.
      loaded.files = [file];
      return loaded;
    } catch (e) {
      if (e instanceof BundleError) metrics.increment('mcp_authz_policy_bundle_rejected_total', { code: e.code });
      throw e;
    }
  };
}

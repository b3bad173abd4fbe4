// `mcp-authz build <dir>`: an OPA bundle (.tar.gz with .manifest, optionally signed) from a policy
// directory, as `opa build` makes one; the service loads it through policies.bundle.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BUNDLE_SIGNING_ALGORITHMS, buildBundle, type BundleSigningAlgorithm } from '../bundles/index.js';
import { InputFileError, loadAndCompile, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

export const BUILD_USAGE = `usage: mcp-authz build [-o bundle.tar.gz] [--revision <rev>] [--signing-key <pem>] [--signing-alg RS256]
                        [--signing-key-id <id>] [--scope <scope>] <dir>
  compiles the policies in <dir> (errors as check prints them), then writes an OPA bundle:
  the .rego and data files, a .manifest with the revision (default: the content hash) and roots [""],
  and with --signing-key (a PEM private key) a .signatures.json signed as opa build --signing-key does
  -o, --output       the archive to write (default bundle.tar.gz)
  --signing-alg      ${BUNDLE_SIGNING_ALGORITHMS.join(', ')} (default RS256)`;

export async function buildCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          output: { type: 'string', short: 'o', default: 'bundle.tar.gz' },
          revision: { type: 'string' },
          'signing-key': { type: 'string' },
          'signing-alg': { type: 'string', default: 'RS256' },
          'signing-key-id': { type: 'string' },
          scope: { type: 'string' },
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message, BUILD_USAGE);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('build needs exactly one policy directory', BUILD_USAGE);
    const alg = values['signing-alg'] as BundleSigningAlgorithm;
    if (!BUNDLE_SIGNING_ALGORITHMS.includes(alg)) throw new UsageError(`--signing-alg must be one of ${BUNDLE_SIGNING_ALGORITHMS.join(', ')}`, BUILD_USAGE);
    const dir = positionals[0]!;
    await loadAndCompile([dir]);
    let privateKey: string | undefined;
    if (values['signing-key'] !== undefined) {
      const file = values['signing-key'];
      privateKey = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new InputFileError(file, e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message));
      });
    }
    let built;
    try {
      built = await buildBundle(dir, {
        ...(values.revision !== undefined ? { revision: values.revision } : {}),
        ...(privateKey !== undefined
          ? { signing: { privateKey, algorithm: alg, ...(values['signing-key-id'] !== undefined ? { keyId: values['signing-key-id'] } : {}), ...(values.scope !== undefined ? { scope: values.scope } : {}) } }
          : {}),
      });
    } catch (e) {
      // A key that does not parse or does not fit the algorithm; never echo the key itself.
      if (privateKey !== undefined && !(e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('policy_'))) {
        throw new InputFileError(values['signing-key']!, `cannot sign with this key as ${alg} (${(e as Error).name})`);
      }
      throw e;
    }
    await writeFile(values.output, built.archive);
    io.stdout(`wrote ${values.output}: revision ${built.revision}, ${built.files.length} files${built.signed ? ', signed' : ''}\n`);
    return 0;
  });
}

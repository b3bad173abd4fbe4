// `mcp-authz capabilities`: the builtins this engine provides, in OPA's capabilities JSON format
// (what `opa capabilities --current` prints), for editors, linters and `check --capabilities`.
import { parseArgs } from 'node:util';
import { capabilities } from '../rego/index.js';
import { reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

export const CAPABILITIES_USAGE = `usage: mcp-authz capabilities
  prints the supported builtins (name and type declaration) as an OPA capabilities JSON document`;

export async function capabilitiesCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    try {
      parseArgs({ args: argv, allowPositionals: false, options: {} });
    } catch (e) {
      throw new UsageError((e as Error).message, CAPABILITIES_USAGE);
    }
    io.stdout(`${JSON.stringify(capabilities(), null, 2)}\n`);
    return 0;
  });
}

// `mcp-authz check <dir>...`: parses and compiles the policies and prints every error with its location.
import { parseArgs } from 'node:util';
import { loadAndCompile, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

const USAGE = `usage: mcp-authz check <dir|file>...
  prints each parse/compile error as file:row:col: code: message with the source line; exits 1 on any`;

/** Runs `check`; silent and exit 0 when everything compiles. */
export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    let positionals: string[];
    try {
      positionals = parseArgs({ args: argv, allowPositionals: true, options: {} }).positionals;
    } catch (e) {
      throw new UsageError((e as Error).message, USAGE);
    }
    if (positionals.length === 0) throw new UsageError('check needs at least one directory or file', USAGE);
    await loadAndCompile(positionals);
    return 0;
  });
}

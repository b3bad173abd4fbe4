// `mcp-authz check <dir>...`: parses and compiles the policies and prints every error with its location.
import { parseArgs } from 'node:util';
import { loadAndCompile, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

export const CHECK_USAGE = `usage: mcp-authz check <dir|file>...
  prints each parse/compile error as file:row:col: code: message with the source line; exits 1 on any;
  on success prints one line: what was checked`;

/** Runs `check`; one summary line and exit 0 when everything compiles. */
export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    let positionals: string[];
    try {
      positionals = parseArgs({ args: argv, allowPositionals: true, options: {} }).positionals;
    } catch (e) {
      throw new UsageError((e as Error).message, CHECK_USAGE);
    }
    if (positionals.length === 0) throw new UsageError('check needs at least one directory or file', CHECK_USAGE);
    const { loaded } = await loadAndCompile(positionals);
    const modules = loaded.modules.length;
    const dataFiles = loaded.files.length - modules;
    io.stdout(`ok: ${plural(modules, 'module')} and ${plural(dataFiles, 'data file')} in ${positionals.join(' ')} compile without errors\n`);
    return 0;
  });
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

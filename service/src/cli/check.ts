// `mcp-authz check <dir>...`: parses and compiles the policies and prints every error with its location;
// with --capabilities, calls of builtins the capabilities file does not list are errors too.
import { parseArgs } from 'node:util';
import { capabilityBuiltins } from '../rego/index.js';
import { InputFileError, loadAndCompile, readJsonFile, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

export const CHECK_USAGE = `usage: mcp-authz check [--capabilities <file>] <dir|file>...
  prints each parse/compile error as file:row:col: code: message with the source line; exits 1 on any;
  --capabilities: an OPA capabilities JSON file; calling a builtin it does not list is an error
  (rego_type_error: undefined function <name>), as opa check --capabilities has it;
  on success prints one line: what was checked`;

/** Runs `check`; one summary line and exit 0 when everything compiles. */
export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { capabilities: { type: 'string' } } });
    } catch (e) {
      throw new UsageError((e as Error).message, CHECK_USAGE);
    }
    const { positionals, values } = parsed;
    if (positionals.length === 0) throw new UsageError('check needs at least one directory or file', CHECK_USAGE);
    const builtins = values.capabilities === undefined ? undefined : await readCapabilities(values.capabilities);
    const { loaded } = await loadAndCompile(positionals, builtins ? { builtins } : {});
    const modules = loaded.modules.length;
    const dataFiles = loaded.files.length - modules;
    io.stdout(`ok: ${plural(modules, 'module')} and ${plural(dataFiles, 'data file')} in ${positionals.join(' ')} compile without errors\n`);
    return 0;
  });
}

async function readCapabilities(file: string): Promise<Set<string>> {
  const doc = await readJsonFile(file);
  try {
    return capabilityBuiltins(doc);
  } catch (e) {
    throw new InputFileError(file, (e as Error).message);
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

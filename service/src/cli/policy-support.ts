// Shared plumbing of the policy CLI commands (eval, test, check): loading, compiling, error reports.
import { AuthzServiceError } from '../errors/index.js';
import { readFile } from 'node:fs/promises';
import { compilePolicy, formatRegoError, RegoCompileError, RegoError } from '../rego/index.js';
import type { Policy } from '../rego/index.js';
import type { Value } from '../rego/value.js';
import { DocumentParseError, documentFormat, loadPolicySources, parseDocument, PolicyLoadError } from '../policy/index.js';
import type { LoadedPolicy } from '../policy/index.js';
import type { CliIo } from './types.js';


/** Bad command-line usage: reported with the usage text, exit code 2. */
export class UsageError extends AuthzServiceError<'ERR_CLI_USAGE'> {
  readonly code = 'ERR_CLI_USAGE';
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A file named on the command line that cannot be read or parsed. */
export class InputFileError extends AuthzServiceError<'ERR_CLI_INPUT_FILE'> {
  readonly code = 'ERR_CLI_INPUT_FILE';
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'InputFileError';
  }
}

/** Loads the given policy paths and compiles them once (with only `builtins`, and coverage, when asked). */
export async function loadAndCompile(
  paths: readonly string[],
  options: { builtins?: ReadonlySet<string>; coverage?: boolean } = {},
): Promise<{ loaded: LoadedPolicy; policy: Policy }> {
  const loaded = await loadPolicySources(paths);
  const policy = compilePolicy({ modules: loaded.modules, data: loaded.data, ...options });
  return { loaded, policy };
}

/** The text of a file named on the command line; a missing or unreadable file is an InputFileError. */
async function readInputText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
}

/** Reads a file named on the command line as JSON. */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readInputText(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputFileError(file, (e as Error).message);
  }
}

/** Reads a JSON or YAML document (by extension; JSON otherwise) given on the command line. */
export async function readInputDocument(file: string): Promise<Value> {
  const text = await readInputText(file);
  try {
    return parseDocument(text, documentFormat(file) ?? 'json') as Value;
  } catch (e) {
    const line = e instanceof DocumentParseError && e.line !== undefined ? ` (line ${e.line})` : '';
    throw new InputFileError(file, `${(e as Error).message}${line}`);
  }
}

/** Runs a command body and turns every failure into a located message and an exit code — never a stack trace. */
export async function reportFailures(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    io.stderr(describeFailure(e) + '\n');
    return e instanceof UsageError ? 2 : 1;
  }
}

/** Text of one failure as the CLI prints it. */
export function describeFailure(e: unknown): string {
  if (e instanceof UsageError) return `${e.message}\n${e.usage}`;
  if (e instanceof PolicyLoadError) return `${e.file}: ${e.code}: ${e.reason}`;
  if (e instanceof InputFileError) return `${e.file}: input_error: ${e.reason}`;
  if (e instanceof RegoCompileError) {
    const n = e.errors.length;
    return `${e.errors.map(formatRegoError).join('\n')}\n${n} error${n === 1 ? '' : 's'} occurred`;
  }
  if (e instanceof RegoError) return formatRegoError(e.info());
  return `internal_error: ${e instanceof Error ? e.message : String(e)}`;
}

// `mcp-authz test <dir>...`: runs every test_* rule of the loaded policies (like `opa test`).
import { parseArgs } from 'node:util';
import { formatRegoError } from '../rego/index.js';
import type { TestResult } from '../rego/index.js';
import { loadAndCompile, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

export const TEST_USAGE = `usage: mcp-authz test [-r <regex>] [-v] <dir|file>...
  runs every rule named test_* (conventionally in *_test.rego files); exits 1 on any failure;
  -r runs only tests whose full name (data.pkg.test_x) matches; -v shows print() output`;

/** Runs `test`; prints one line per test and `N passed, M failed`; exit 1 on failure or no tests. */
export async function testCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const args = parseTestArgs(argv);
    const { policy } = await loadAndCompile(args.paths);
    const results = policy.runTests({
      ...(args.filter ? { filter: args.filter } : {}),
      ...(args.verbose ? { print: (line: string) => io.stdout(`${line}\n`) } : {}),
    });
    for (const r of results) io.stdout(formatTestResult(r));
    const passed = results.filter((r) => r.passed).length;
    io.stdout(`${passed} passed, ${results.length - passed} failed\n`);
    if (results.length === 0) {
      io.stderr('no tests found (rules named test_*)\n');
      return 1;
    }
    return passed === results.length ? 0 : 1;
  });
}

function formatTestResult(r: TestResult): string {
  const line = `${r.passed ? 'PASS' : 'FAIL'} ${r.name} (${formatDuration(r.durationMs)})\n`;
  if (!r.error) return line;
  // The error's own text (with its source line and caret), indented under the test.
  return line + formatRegoError(r.error).replace(/^/gm, '  ') + '\n';
}

function formatDuration(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : `${ms.toFixed(1)}ms`;
}

function parseTestArgs(argv: string[]): { paths: string[]; filter?: RegExp; verbose: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { run: { type: 'string', short: 'r' }, verbose: { type: 'boolean', short: 'v' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message, TEST_USAGE);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('test needs at least one directory or file', TEST_USAGE);
  const out: { paths: string[]; filter?: RegExp; verbose: boolean } = { paths: positionals, verbose: values.verbose === true };
  if (values.run !== undefined) {
    try {
      out.filter = new RegExp(values.run);
    } catch (e) {
      throw new UsageError(`invalid -r pattern: ${(e as Error).message}`, TEST_USAGE);
    }
  }
  return out;
}

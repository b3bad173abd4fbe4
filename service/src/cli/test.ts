// `mcp-authz test <dir>...`: runs every test_* rule of the loaded policies, with `opa test`'s
// options: -v, --run, --format json and --coverage.
import { parseArgs } from 'node:util';
import { formatRegoError } from '../rego/index.js';
import type { TestResult } from '../rego/index.js';
import { loadAndCompile, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';

export const TEST_USAGE = `usage: mcp-authz test [-r|--run <regex>] [-v] [--format pretty|json] [--coverage] <dir|file>...
  runs every rule named test_* (conventionally in *_test.rego files); exits 1 on any failure or error;
  -r/--run runs only tests whose full name (data.pkg.test_x) matches the regular expression;
  -v prints each test as opa test -v does (file, name, result, time) with what it printed;
  --format json prints the results as opa test --format json does;
  --coverage prints the coverage report as opa test --coverage does (per file, covered and not covered rows)`;

interface TestArgs {
  paths: string[];
  filter?: RegExp;
  verbose: boolean;
  format: 'pretty' | 'json';
  coverage: boolean;
}

type Outcome = 'PASS' | 'FAIL' | 'ERROR';

function outcomeOf(r: TestResult): Outcome {
  return r.error ? 'ERROR' : r.passed ? 'PASS' : 'FAIL';
}

/** Runs `test`; exit 0 when every selected test passed, 1 on any failure, error or no tests. */
export async function testCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const args = parseTestArgs(argv);
    const { policy } = await loadAndCompile(args.paths, args.coverage ? { coverage: true } : {});
    const results = policy.runTests(args.filter ? { filter: args.filter } : {});
    const ok = results.length > 0 && results.every((r) => r.passed);
    if (args.coverage) {
      // As opa test --coverage: failures are reported instead of the report.
      if (!ok) printFailures(io, results);
      else io.stdout(`${JSON.stringify(policy.coverage(), null, 2)}\n`);
    } else if (args.format === 'json') {
      io.stdout(`${JSON.stringify(results.map(jsonResult), null, 2)}\n`);
    } else if (args.verbose) {
      printVerbose(io, results);
    } else {
      for (const r of results) io.stdout(formatTestResult(r));
    }
    if (args.format === 'pretty' && !args.coverage) {
      const passed = results.filter((r) => r.passed).length;
      io.stdout(`${passed} passed, ${results.length - passed} failed\n`);
    }
    if (results.length === 0) io.stderr('no tests found (rules named test_*)\n');
    return ok ? 0 : 1;
  });
}

function formatTestResult(r: TestResult): string {
  const line = `${r.passed ? 'PASS' : 'FAIL'} ${r.name} (${formatDuration(r.durationMs)})\n`;
  if (!r.error) return line;
  // The error's own text (with its source line and caret), indented under the test.
  return line + indent(formatRegoError(r.error)) + '\n';
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

function formatDuration(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : `${ms.toFixed(1)}ms`;
}

/** A duration as Go prints a time.Duration (what opa test shows): 812.417µs, 1.5ms, 2.25s. */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  const trim = (n: number, unit: number): string => String(Number((n / unit).toFixed(Math.log10(unit))));
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trim(ns, 1_000)}µs`;
  if (ns < 1_000_000_000) return `${trim(ns, 1_000_000)}ms`;
  return `${trim(ns, 1_000_000_000)}s`;
}

/** opa test -v: each test under its file:row, its outcome and time, its output; then the tally. */
function printVerbose(io: CliIo, results: TestResult[]): void {
  let lastFile: string | undefined;
  for (const r of results) {
    if (r.location) {
      if (lastFile !== undefined && lastFile !== r.location.file) io.stdout('\n');
      io.stdout(`${r.location.file}:${r.location.row}:\n`);
      lastFile = r.location.file;
    }
    io.stdout(`${r.name}: ${outcomeOf(r)} (${goDuration(r.durationMs)})\n`);
    if (r.output) io.stdout(`\n${indent(r.output.join('\n').trim())}\n\n`);
    if (r.error) io.stdout(`${indent(formatRegoError(r.error))}\n`);
  }
  io.stdout(`${'-'.repeat(80)}\n`);
  printTally(io, results);
}

function printTally(io: CliIo, results: TestResult[]): void {
  const total = results.length;
  for (const outcome of ['PASS', 'FAIL', 'ERROR'] as const) {
    const n = results.filter((r) => outcomeOf(r) === outcome).length;
    if (n > 0) io.stdout(`${outcome}: ${n}/${total}\n`);
  }
}

/** The failed and erroring tests, as opa test reports them before giving up on coverage. */
function printFailures(io: CliIo, results: TestResult[]): void {
  for (const r of results.filter((x) => !x.passed)) {
    if (r.location) io.stdout(`${r.location.file}:${r.location.row}:\n`);
    io.stdout(`${r.name}: ${outcomeOf(r)} (${goDuration(r.durationMs)})\n`);
    if (r.error) io.stdout(`${indent(formatRegoError(r.error))}\n`);
  }
  io.stdout(`${'-'.repeat(80)}\n`);
  printTally(io, results);
}

/** One result in opa test --format json's shape (duration in nanoseconds, output base64). */
function jsonResult(r: TestResult): Record<string, unknown> {
  return {
    location: r.location ? { file: r.location.file, row: r.location.row, col: r.location.col } : null,
    package: r.package,
    name: r.name.slice(r.package.length + 1),
    ...(!r.passed && !r.error ? { fail: true } : {}),
    ...(r.error ? { error: { code: r.error.code, message: r.error.message, ...(r.error.location ? { location: r.error.location } : {}) } } : {}),
    duration: Math.round(r.durationMs * 1e6),
    ...(r.output ? { output: Buffer.from(`${r.output.join('\n')}\n`).toString('base64') } : {}),
  };
}

function parseTestArgs(argv: string[]): TestArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        run: { type: 'string', short: 'r' },
        verbose: { type: 'boolean', short: 'v' },
        format: { type: 'string', short: 'f' },
        coverage: { type: 'boolean', short: 'c' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message, TEST_USAGE);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('test needs at least one directory or file', TEST_USAGE);
  const format = values.format ?? 'pretty';
  if (format !== 'pretty' && format !== 'json') throw new UsageError(`--format must be pretty or json, not "${format}"`, TEST_USAGE);
  const out: TestArgs = { paths: positionals, verbose: values.verbose === true, format, coverage: values.coverage === true };
  if (values.run !== undefined) {
    try {
      out.filter = new RegExp(values.run);
    } catch (e) {
      throw new UsageError(`invalid --run pattern: ${(e as Error).message}`, TEST_USAGE);
    }
  }
  return out;
}

// `mcp-authz eval -d <dir|file>... [-i input] '<query>'`: evaluates a query like `opa eval --format json`.
import { parseArgs } from 'node:util';
import { EXPLAIN_MODES, explain, formatSteps, formatSummary, type ExplainMode, type Policy, type QueryResult } from '../rego/index.js';
import type { Value } from '../rego/value.js';
import { formatJson } from './json-output.js';
import { loadAndCompile, readInputDocument, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';
import { splitQueryExpressions } from './query-text.js';
import type { QueryExpressionText } from './query-text.js';

export const EVAL_USAGE = `usage: mcp-authz eval [-d <dir|file>]... [-i <input.json|yaml>] [--strict-builtin-errors] [--fail] [--explain[=fails|full|notes]] '<query>'
  prints the result set as JSON (no "result" key when the query is undefined);
  --fail exits 1 when the result is undefined;
  --explain first prints the evaluation trace (fails: the failed conditions and the rules around
  them, the default; full: every step; notes: print output) and which rules decided`;

/** Runs `eval`; exit 0 on success (also when undefined unless --fail), 1 on errors, 2 on bad usage. */
export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const args = parseEvalArgs(argv);
    const { policy } = await loadAndCompile(args.data);
    const input = args.input === undefined ? undefined : await readInputDocument(args.input);
    const opts = { ...(input === undefined ? {} : { input }), strictBuiltinErrors: args.strict };
    if (args.explain !== undefined) return explainQuery(io, args, args.explain, policy.explainQuery(args.query, opts));
    const results = policy.evalQuery(args.query, opts);
    io.stdout(formatResultSet(args.query, results) + '\n');
    return args.fail && results.length === 0 ? 1 : 0;
  });
}

/** Prints the trace the mode selects, the summary, then the result set (or throws the evaluation error). */
function explainQuery(io: CliIo, args: EvalArgs, mode: ExplainMode, traced: ReturnType<Policy['explainQuery']>): number {
  const ex = explain(traced.trace, mode, Number.MAX_SAFE_INTEGER);
  const lines = [...formatSteps(ex.steps), ''];
  if (traced.trace.dropped > 0) lines.push(`(trace truncated: ${traced.trace.dropped} events over the recording limit)`, '');
  lines.push(...formatSummary(ex.summary), '');
  io.stdout(lines.join('\n') + '\n');
  if (traced.error) throw traced.error;
  const results = traced.result ?? [];
  io.stdout(formatResultSet(args.query, results) + '\n');
  return args.fail && results.length === 0 ? 1 : 0;
}

interface EvalArgs {
  explain?: ExplainMode;
  data: string[];
  input?: string;
  query: string;
  strict: boolean;
  fail: boolean;
}

function parseEvalArgs(argv: string[]): EvalArgs {
  let parsed;
  try {
    parsed = parseArgs({
      // A bare --explain means the default mode (parseArgs wants a value for a string option).
      args: argv.map((a) => (a === '--explain' ? '--explain=fails' : a)),
      allowPositionals: true,
      options: {
        data: { type: 'string', short: 'd', multiple: true },
        input: { type: 'string', short: 'i' },
        format: { type: 'string', short: 'f' },
        'strict-builtin-errors': { type: 'boolean' },
        fail: { type: 'boolean' },
        explain: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message, EVAL_USAGE);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('eval needs exactly one query', EVAL_USAGE);
  if (values.format !== undefined && values.format !== 'json') {
    throw new UsageError(`unsupported format ${values.format} (only json)`, EVAL_USAGE);
  }
  const out: EvalArgs = {
    data: values.data ?? [],
    query: positionals[0],
    strict: values['strict-builtin-errors'] === true,
    fail: values.fail === true,
  };
  if (values.input !== undefined) out.input = values.input;
  if (values.explain !== undefined) {
    if (!(EXPLAIN_MODES as readonly string[]).includes(values.explain)) throw new UsageError(`unknown --explain mode ${values.explain} (${EXPLAIN_MODES.join(', ')})`, EVAL_USAGE);
    out.explain = values.explain as ExplainMode;
  }
  return out;
}

/** OPA's JSON result set: one entry per solution with each expression's value, text and location. */
export function formatResultSet(query: string, results: QueryResult[]): string {
  if (results.length === 0) return '{}';
  const texts = splitQueryExpressions(query);
  const entries = results.map((r) => formatResult(r, texts, '    '));
  return `{\n  "result": [\n${entries.join(',\n')}\n  ]\n}`;
}

function formatResult(r: QueryResult, texts: QueryExpressionText[], indent: string): string {
  const i2 = indent + '  ';
  const i3 = i2 + '  ';
  const exprs = r.expressions.map((value, k) => {
    // When our split disagrees with the engine's expression count, the whole query is the text.
    const t = texts.length === r.expressions.length ? texts[k] : { text: texts.map((x) => x.text).join('; '), row: 1, col: 1 };
    const i4 = i3 + '  ';
    return (
      `${i3}{\n` +
      `${i4}"value": ${formatJson(value, i4)},\n` +
      `${i4}"text": ${JSON.stringify(t.text)},\n` +
      `${i4}"location": {\n${i4}  "row": ${t.row},\n${i4}  "col": ${t.col}\n${i4}}\n` +
      `${i3}}`
    );
  });
  const fields = [`${i2}"expressions": [\n${exprs.join(',\n')}\n${i2}]`];
  const names = Object.keys(r.bindings).sort();
  if (names.length > 0) {
    const bindings: Record<string, Value> = Object.create(null);
    for (const n of names) bindings[n] = r.bindings[n];
    fields.push(`${i2}"bindings": ${formatJson(bindings, i2)}`);
  }
  return `${indent}{\n${fields.join(',\n')}\n${indent}}`;
}

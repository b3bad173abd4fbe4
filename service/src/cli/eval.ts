// `mcp-authz eval -d <dir|file>... [-i input] '<query>'`: evaluates a query like `opa eval --format json`.
import { parseArgs } from 'node:util';
import type { QueryResult } from '../rego/index.js';
import type { Value } from '../rego/value.js';
import { formatJson } from './json-output.js';
import { loadAndCompile, readInputDocument, reportFailures, UsageError } from './policy-support.js';
import type { CliIo } from './types.js';
import { splitQueryExpressions } from './query-text.js';
import type { QueryExpressionText } from './query-text.js';

export const EVAL_USAGE = `usage: mcp-authz eval [-d <dir|file>]... [-i <input.json|yaml>] [--strict-builtin-errors] [--fail] '<query>'
  prints the result set as JSON (no "result" key when the query is undefined);
  --fail exits 1 when the result is undefined`;

/** Runs `eval`; exit 0 on success (also when undefined unless --fail), 1 on errors, 2 on bad usage. */
export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const args = parseEvalArgs(argv);
    const { policy } = await loadAndCompile(args.data);
    const input = args.input === undefined ? undefined : await readInputDocument(args.input);
    const results = policy.evalQuery(args.query, {
      ...(input === undefined ? {} : { input }),
      strictBuiltinErrors: args.strict,
    });
    io.stdout(formatResultSet(args.query, results) + '\n');
    return args.fail && results.length === 0 ? 1 : 0;
  });
}

interface EvalArgs {
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
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: 'string', short: 'd', multiple: true },
        input: { type: 'string', short: 'i' },
        format: { type: 'string', short: 'f' },
        'strict-builtin-errors': { type: 'boolean' },
        fail: { type: 'boolean' },
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

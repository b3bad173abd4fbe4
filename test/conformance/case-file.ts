// Reads OPA-format YAML test case files (OPA's test/cases layout) into typed, validated cases.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Value } from '../../service/src/rego/value.js';

/** One case, with the fields of OPA's cases.TestCase that the runner honours. */
export interface RegoCase {
  /** `folder/file.yaml#note` (a repeated note in one file gets ` (2)`, ` (3)`…). */
  id: string;
  /** Topic folder (first path segment under the cases root). */
  folder: string;
  /** File path relative to the cases root, `/`-separated. */
  file: string;
  note: string;
  query: string;
  modules: string[];
  data?: Value;
  input?: Value;
  inputTerm?: string;
  wantResult?: Record<string, Value>[];
  sortBindings: boolean;
  wantErrorCode?: string;
  wantError?: string;
  strictError: boolean;
  env?: Record<string, string>;
  /** Reason a case is skipped (`skip: true` or `skip: "why"`). */
  skip?: string;
}

/** Keys OPA's runner reads, plus `skip`; anything else is a typo and fails the case. */
const KNOWN_KEYS = new Set([
  'note', 'query', 'modules', 'data', 'input', 'input_term', 'want_result', 'sort_bindings',
  'want_error_code', 'want_error', 'strict_error', 'env', 'skip', 'want_defined', 'ignore_generated_vars',
]);

/** A case file that does not have OPA's shape. */
export class CaseFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'CaseFileError';
  }
}

/** Every `*.yaml` / `*.yml` file under `root`, sorted, as root-relative `/`-separated paths. */
export function listCaseFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name)) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

/** Parses one case file; `rel` is its path relative to the cases root. */
export function readCaseFile(root: string, rel: string): RegoCase[] {
  let doc: unknown;
  try {
    // Integers stay exact (bignum cases); safe ones become plain numbers as the engine has them.
    doc = normalizeYaml(parseYaml(readFileSync(join(root, rel), 'utf8'), { intAsBigInt: true }));
  } catch (e) {
    throw new CaseFileError(rel, (e as Error).message);
  }
  const cases = (doc as { cases?: unknown } | null)?.cases;
  if (!Array.isArray(cases)) throw new CaseFileError(rel, 'expected a top-level `cases` list');
  const seen = new Map<string, number>();
  return cases.map((raw, i) => {
    const c = toCase(rel, raw, i);
    const n = (seen.get(c.note) ?? 0) + 1;
    seen.set(c.note, n);
    if (n > 1) c.id += ` (${n})`;
    return c;
  });
}

/** All cases under `root`, in file order. */
export function loadCases(root: string): RegoCase[] {
  return listCaseFiles(root).flatMap((rel) => readCaseFile(root, rel));
}

function toCase(file: string, raw: unknown, index: number): RegoCase {
  const where = `case ${index + 1}`;
  if (!isRecord(raw)) throw new CaseFileError(file, `${where}: expected a mapping`);
  const unknown = Object.keys(raw).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length > 0) throw new CaseFileError(file, `${where}: unknown field(s) ${unknown.join(', ')}`);
  const note = raw.note;
  if (typeof note !== 'string') throw new CaseFileError(file, `${where}: \`note\` must be a string`);
  if (typeof raw.query !== 'string') throw new CaseFileError(file, `${note}: \`query\` must be a string`);
  const modules = raw.modules ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string')) {
    throw new CaseFileError(file, `${note}: \`modules\` must be a list of strings`);
  }
  const c: RegoCase = {
    id: `${file}#${note}`,
    folder: file.includes('/') ? file.slice(0, file.indexOf('/')) : '.',
    file,
    note,
    query: raw.query,
    modules,
    sortBindings: raw.sort_bindings === true,
    strictError: raw.strict_error === true,
  };
  // As in OPA (pointer fields), an explicit null is the same as an absent field.
  if (raw.data != null) c.data = raw.data as Value;
  if (raw.input != null) c.input = raw.input as Value;
  if (raw.input_term != null) c.inputTerm = String(raw.input_term);
  if (raw.want_error_code != null) c.wantErrorCode = String(raw.want_error_code);
  if (raw.want_error != null) c.wantError = String(raw.want_error);
  if (raw.want_result != null) {
    if (!Array.isArray(raw.want_result) || !raw.want_result.every(isRecord)) {
      throw new CaseFileError(file, `${note}: \`want_result\` must be a list of binding maps`);
    }
    c.wantResult = raw.want_result as Record<string, Value>[];
  }
  if (isRecord(raw.env)) c.env = Object.fromEntries(Object.entries(raw.env).map(([k, v]) => [k, String(v)]));
  if (raw.skip === true) c.skip = 'skipped';
  else if (typeof raw.skip === 'string' && raw.skip !== '') c.skip = raw.skip;
  return c;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalizeYaml(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (Array.isArray(v)) return v.map(normalizeYaml);
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, { value: normalizeYaml(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

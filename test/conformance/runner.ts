// Runs OPA-format YAML cases against our engine with the semantics of OPA's own case runner
// (v1/topdown/exported_test.go): compile modules + data, evaluate the query, compare bindings as a set.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { compilePolicy, parseValue, RegoCompileError, RegoError } from '../../service/src/rego/index.js';
import type { QueryResult, RegoErrorInfo } from '../../service/src/rego/index.js';
import type { PlainObject, Value } from '../../service/src/rego/value.js';
import { loadCases } from './case-file.js';
import type { RegoCase } from './case-file.js';
import { diffResultSets, normalizeBindings } from './compare.js';

export type { RegoCase } from './case-file.js';

/** Repository root (this file sits in test/conformance/). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The conformance folder: OPA_CONFORMANCE_DIR, else ../shared/conformance/opa/v1 beside the repo. */
export function conformanceDir(): string {
  return resolve(REPO_ROOT, process.env.OPA_CONFORMANCE_DIR ?? join('..', 'shared', 'conformance', 'opa', 'v1'));
}

/** True when the folder exists (it is optional locally, required in CI). */
export function conformanceDirExists(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

export interface CaseOutcome {
  id: string;
  folder: string;
  passed: boolean;
  /** Why the case failed (or was skipped). */
  reason?: string;
  skipped?: boolean;
}

interface Failure {
  code: string;
  /** The error as OPA's Error() renders it: `file:row: code: message`, used for `want_error`. */
  text: string;
}

/** Runs one case. Never throws: an engine crash is a failed case with the crash as reason. */
export function runCase(c: RegoCase): CaseOutcome {
  const outcome = (passed: boolean, reason?: string): CaseOutcome =>
    reason === undefined ? { id: c.id, folder: c.folder, passed } : { id: c.id, folder: c.folder, passed, reason };
  if (c.skip !== undefined) return { ...outcome(false, `skipped: ${c.skip}`), skipped: true };
  if (c.wantResult === undefined && c.wantErrorCode === undefined && c.wantError === undefined) {
    return outcome(false, "expected one of: 'want_result', 'want_error_code', or 'want_error'");
  }
  const restoreEnv = applyEnv(c.env);
  try {
    const { results, failure } = evaluate(c);
    return check(c, results, failure, outcome);
  } catch (e) {
    return outcome(false, `runner: ${(e as Error).message}`);
  } finally {
    restoreEnv();
  }
}

function check(
  c: RegoCase,
  results: QueryResult[],
  failure: Failure | undefined,
  outcome: (passed: boolean, reason?: string) => CaseOutcome,
): CaseOutcome {
  if (c.wantError !== undefined) {
    if (!failure) return outcome(false, `expected error containing ${JSON.stringify(c.wantError)} but got success`);
    if (!failure.text.includes(c.wantError)) {
      return outcome(false, `expected error text ${JSON.stringify(c.wantError)} but got ${JSON.stringify(failure.text)}`);
    }
  }
  if (c.wantErrorCode !== undefined) {
    if (!failure) return outcome(false, `expected error code ${c.wantErrorCode} but got success`);
    if (failure.code !== c.wantErrorCode) {
      return outcome(false, `expected error code ${c.wantErrorCode} but got ${failure.code}: ${failure.text}`);
    }
  }
  if (failure && c.wantErrorCode === undefined && c.wantError === undefined) {
    return outcome(false, `unexpected error: ${failure.text}`);
  }
  if (c.wantResult !== undefined) {
    const got = results.map((r) => normalizeBindings(r.bindings, c.sortBindings));
    const diff = diffResultSets(c.wantResult as PlainObject[], got);
    if (diff) return outcome(false, diff);
  }
  return outcome(true);
}

function evaluate(c: RegoCase): { results: QueryResult[]; failure?: Failure } {
  try {
    // Module names as OPA's runner gives them, so located error texts match `want_error`.
    const modules = c.modules.map((source, i) => ({ path: `test-${i}.rego`, source }));
    const policy = compilePolicy({ modules, data: c.data ?? {} });
    const input: Value | undefined = c.inputTerm !== undefined ? parseValue(c.inputTerm) : c.input;
    const opts = input === undefined ? { strictBuiltinErrors: c.strictError } : { input, strictBuiltinErrors: c.strictError };
    return { results: policy.evalQuery(c.query, opts) };
  } catch (e) {
    return { results: [], failure: describeError(e) };
  }
}

function renderError(info: { code: string; message: string; location?: { file: string; row: number } }): string {
  const text = `${info.code}: ${info.message}`;
  return info.location ? `${info.location.file}:${info.location.row}: ${text}` : text;
}

function describeError(e: unknown): Failure {
  if (e instanceof RegoCompileError) {
    const first: RegoErrorInfo | undefined = e.errors[0];
    return { code: first?.code ?? 'rego_compile_error', text: e.errors.map(renderError).join('\n') || e.message };
  }
  if (e instanceof RegoError) return { code: e.code, text: renderError(e) };
  // Anything else escaped the engine: a bug, reported as such (never matches an expected code).
  return { code: 'js_exception', text: `uncaught ${(e as Error)?.name ?? 'value'}: ${(e as Error)?.message ?? String(e)}` };
}

function applyEnv(env: Record<string, string> | undefined): () => void {
  if (!env) return () => undefined;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Outcome of a whole folder of cases. */
export interface SuiteReport {
  outcomes: CaseOutcome[];
  /** Per topic folder: passed and total, folders sorted by name. */
  folders: { folder: string; passed: number; total: number }[];
  passed: number;
  failed: number;
}

/** Loads and runs every case under `dir`. */
export function runSuite(dir: string): SuiteReport {
  const outcomes = loadCases(dir).map(runCase);
  const byFolder = new Map<string, { passed: number; total: number }>();
  for (const o of outcomes) {
    const f = byFolder.get(o.folder) ?? { passed: 0, total: 0 };
    f.total++;
    if (o.passed) f.passed++;
    byFolder.set(o.folder, f);
  }
  const folders = [...byFolder.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([folder, f]) => ({ folder, ...f }));
  const passed = outcomes.filter((o) => o.passed).length;
  return { outcomes, folders, passed, failed: outcomes.length - passed };
}

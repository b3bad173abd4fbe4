// PolicyEngine over a compiled OPA wasm module (opa-wasm's LoadedPolicy): the same entrypoint,
// fallback, result interpretation and wall-clock budget as the Rego engine.
import { AuthzServiceError, type RegoErrorCode } from '../errors/index.js';
import { LIMIT_ERROR_CODES, type EvalBudget } from '../rego/index.js';
import { failClosed, interpretResult, limitExceeded } from './interpret-result.js';
import { DEFAULT_ENTRYPOINT, DEFAULT_FALLBACK_ENTRYPOINT } from './rego-engine.js';
import type { DataAnswer, EngineDecision, PolicyEngine, PolicyInput } from './types.js';

/** The slice of opa-wasm's LoadedPolicy this adapter uses (data is already set). */
export interface WasmEvaluable {
  /** Entrypoint names as the module exports them (`mcp/authz/decision`) and their ids. */
  readonly entrypoints: Readonly<Record<string, number>>;
  /** Evaluates one entrypoint and returns OPA's result set (`[{ result }]`, empty when undefined). */
  evaluate(input: unknown, entrypoint: number): unknown;
}

export interface WasmEngineOptions {
  policy: WasmEvaluable;
  revision: string;
  gitCommit?: string;
  entrypoint?: string;
  fallbackEntrypoint?: string | null;
  /** Clock of the wall-clock budget, in milliseconds (tests pass their own). */
  now?: () => number;
}

/** `data.mcp.authz.decision` → `mcp/authz/decision`, as `opa build -e` names entrypoints. */
export function wasmEntrypointName(ref: string): string {
  return ref.replace(/^data\./, '').split('.').join('/');
}

/** Thrown values of opa-wasm are strings or `{ message }` objects as often as Errors. */
function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}

/** Carries the Rego engine's time-limit code, so callers that read codes (the Data API) treat both engines alike. */
class TimeExceeded extends AuthzServiceError<RegoErrorCode> {
  readonly code = LIMIT_ERROR_CODES.time;
}

/**
 * Creates the engine for one revision. A wasm call cannot be interrupted from JavaScript, so the
 * request's time budget is checked before each entrypoint and charged after it: an evaluation that
 * ran past what was left is denied with `evaluation_limit_exceeded: time`, whatever it returned.
 */
export function createWasmPolicyEngine(options: WasmEngineOptions): PolicyEngine {
  const entrypoint = options.entrypoint ?? DEFAULT_ENTRYPOINT;
  const fallback = options.fallbackEntrypoint === undefined ? DEFAULT_FALLBACK_ENTRYPOINT : options.fallbackEntrypoint;
  const now = options.now ?? (() => performance.now());
  const { policy } = options;

  /** The entrypoint's value, or undefined when the module lacks it or its result set is empty. */
  function run(ref: string, input: PolicyInput, budget: EvalBudget | undefined): unknown {
    const id = policy.entrypoints[wasmEntrypointName(ref)];
    if (id === undefined) return undefined;
    const limited = budget !== undefined && budget.timeoutMs > 0;
    if (limited && budget.ms <= 0) throw new TimeExceeded(`no evaluation time left before ${ref}`);
    const t0 = now();
    const resultSet = policy.evaluate(input, id);
    const elapsed = now() - t0;
    const left = budget?.ms ?? 0;
    budget?.spend(0, 0, elapsed);
    if (limited && elapsed > left) throw new TimeExceeded(`${ref} took ${elapsed.toFixed(1)} ms with ${left.toFixed(1)} ms left`);
    if (!Array.isArray(resultSet)) throw new Error(`${ref}: the module returned no result set`);
    if (resultSet.length === 0) return undefined;
    if (resultSet.length > 1) throw new Error(`${ref}: the module returned ${resultSet.length} results`);
    return (resultSet[0] as { result?: unknown } | null)?.result;
  }

  function evaluate(input: PolicyInput, budget?: EvalBudget): EngineDecision {
    try {
      const value = run(entrypoint, input, budget);
      if (value !== undefined) return interpretResult(value, entrypoint);
      if (fallback) {
        const allow = run(fallback, input, budget);
        if (allow !== undefined) {
          if (typeof allow !== 'boolean') return failClosed('policy_invalid_result', `${fallback} is not a boolean`);
          return interpretResult(allow, fallback);
        }
      }
      return { allow: false, reasons: ['policy_undefined'], required_scopes: [] };
    } catch (e) {
      if (e instanceof TimeExceeded) return limitExceeded('time', LIMIT_ERROR_CODES.time, e.message);
      // The module's memory could not grow past its maximum (decisions.max_evaluation_bytes).
      if (e instanceof RangeError) return limitExceeded('memory', LIMIT_ERROR_CODES.memory, e.message);
      return failClosed('wasm_eval_error', describe(e));
    }
  }

  // A wasm module answers only the entrypoints it was built with; any other path is missing.
  function query(path: readonly (string | number)[], input: unknown, budget?: EvalBudget): DataAnswer {
    const parts = path.map(String);
    const name = parts.join('/');
    if (parts.some((p) => p === '' || p.includes('/') || p.includes('.')) || policy.entrypoints[name] === undefined) {
      return { defined: false, declared: false };
    }
    const value = run(`data.${parts.join('.')}`, input as PolicyInput, budget);
    return value === undefined ? { defined: false, declared: true } : { defined: true, value };
  }

  const engine: PolicyEngine = { revision: options.revision, evaluate, query };
  if (options.gitCommit !== undefined) return { ...engine, gitCommit: options.gitCommit };
  return engine;
}

// PolicyEngine over a compiled Rego policy: evaluates the entrypoint, falls back to the allow rule.
import { explain as explainTrace, limitOfCode, toJson, type EvalBudget, type ExplainMode, type Trace, type Traced, type Value } from '../rego/index.js';
import { failClosed, interpretResult, limitExceeded } from './interpret-result.js';
import type { DataAnswer, DecisionExplanation, EngineDecision, PolicyEngine, PolicyInput } from './types.js';

/** The slice of the Rego engine's `Policy` this adapter uses. */
export interface EvaluablePolicy {
  evalRef(ref: string, opts?: { input?: Value; budget?: EvalBudget }): Value | undefined;
  /** Whether rules define `path` (optional: without it an undefined document reads as missing). */
  hasRules?(path: readonly (string | number)[]): boolean;
  explainRef?(ref: string, opts?: { input?: Value; budget?: EvalBudget; maxEvents?: number }): Traced<Value | undefined>;
}

/** Steps an API explanation returns at most; events one traced evaluation records at most. */
export const MAX_EXPLAIN_STEPS = 1000;
const MAX_EXPLAIN_EVENTS = 50_000;

export interface RegoEngineOptions {
  policy: EvaluablePolicy;
  revision: string;
  gitCommit?: string;
  /** Default `data.mcp.authz.decision`. */
  entrypoint?: string;
  /** Boolean rule tried when the entrypoint is undefined; default `data.mcp.authz.allow`; null disables. */
  fallbackEntrypoint?: string | null;
}

export const DEFAULT_ENTRYPOINT = 'data.mcp.authz.decision';
export const DEFAULT_FALLBACK_ENTRYPOINT = 'data.mcp.authz.allow';

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'eval_internal_error';
}

/** `data["a"][0]`: every segment quoted (or an integer), so no path can inject Rego. */
function dataRef(path: readonly (string | number)[]): string {
  return 'data' + path.map((p) => `[${typeof p === 'number' ? String(p) : JSON.stringify(p)}]`).join('');
}

/** The deny for an evaluation error: a limit reached, or any other error (fail closed). */
function errorDecision(e: unknown): EngineDecision {
  const code = errorCode(e);
  const message = e instanceof Error ? e.message : String(e);
  const limit = limitOfCode(code);
  return limit ? limitExceeded(limit, code, message) : failClosed(code, message);
}

/** Creates the engine for one revision. Evaluation errors become a deny carrying the error code. */
export function createRegoPolicyEngine(options: RegoEngineOptions): PolicyEngine {
  const entrypoint = options.entrypoint ?? DEFAULT_ENTRYPOINT;
  const fallback = options.fallbackEntrypoint === undefined ? DEFAULT_FALLBACK_ENTRYPOINT : options.fallbackEntrypoint;
  const { policy } = options;

  function evaluate(input: PolicyInput, budget?: EvalBudget): EngineDecision {
    const opts = budget ? { input: input as unknown as Value, budget } : { input: input as unknown as Value };
    try {
      const value = policy.evalRef(entrypoint, opts);
      if (value !== undefined) return interpretResult(toJson(value), entrypoint);
      if (fallback) {
        const allow = policy.evalRef(fallback, opts);
        if (allow !== undefined) {
          if (typeof allow !== 'boolean') return failClosed('policy_invalid_result', `${fallback} is not a boolean`);
          return interpretResult(allow, fallback);
        }
      }
      return { allow: false, reasons: ['policy_undefined'], required_scopes: [] };
    } catch (e) {
      return errorDecision(e);
    }
  }

  function query(path: readonly (string | number)[], input: unknown, budget?: EvalBudget): DataAnswer {
    const opts = {
      ...(input !== undefined ? { input: input as Value } : {}),
      ...(budget ? { budget } : {}),
    };
    const value = policy.evalRef(dataRef(path), opts);
    if (value === undefined) return { defined: false, declared: policy.hasRules?.(path) ?? false };
    return { defined: true, value: toJson(value) };
  }

  /** evaluate, traced: the entrypoint (then the fallback when it is undefined), one trace for both. */
  function explain(input: PolicyInput, mode: ExplainMode, budget?: EvalBudget): { decision: EngineDecision; explanation: DecisionExplanation } {
    const opts = { input: input as unknown as Value, maxEvents: MAX_EXPLAIN_EVENTS, ...(budget ? { budget } : {}) };
    const trace: Trace = { events: [], dropped: 0 };
    const run = (ref: string): Traced<Value | undefined> => {
      const t = policy.explainRef!(ref, opts);
      trace.events.push(...t.trace.events);
      trace.dropped += t.trace.dropped;
      return t;
    };
    const decide = (): EngineDecision => {
      const main = run(entrypoint);
      if (main.error) return errorDecision(main.error);
      if (main.result !== undefined) return interpretResult(toJson(main.result), entrypoint);
      if (fallback) {
        const alt = run(fallback);
        if (alt.error) return errorDecision(alt.error);
        if (alt.result !== undefined) {
          if (typeof alt.result !== 'boolean') return failClosed('policy_invalid_result', `${fallback} is not a boolean`);
          return interpretResult(alt.result, fallback);
        }
      }
      return { allow: false, reasons: ['policy_undefined'], required_scopes: [] };
    };
    const decision = decide();
    return { decision, explanation: explainTrace(trace, mode, MAX_EXPLAIN_STEPS) };
  }

  const engine: PolicyEngine = policy.explainRef ? { revision: options.revision, evaluate, query, explain } : { revision: options.revision, evaluate, query };
  if (options.gitCommit !== undefined) return { ...engine, gitCommit: options.gitCommit };
  return engine;
}

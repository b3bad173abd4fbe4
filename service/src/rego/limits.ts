// Evaluation limits for untrusted input: step budget, bytes built, call depth and time, per query and
// shared by the queries of one request (EvalBudget).
import type { RegoErrorCode } from './errors.js';

export interface EvalLimits {
  maxSteps?: number;
  maxDepth?: number;
  timeoutMs?: number;
  /** Bytes (string characters, collection elements) builtins may build in one query. */
  maxBytes?: number;
}

export interface ResolvedLimits {
  maxSteps: number;
  maxDepth: number;
  timeoutMs: number;
  maxBytes: number;
}

/** Which budget a query ran out of. */
export type LimitKind = 'steps' | 'time' | 'memory';

/** Generous for real policies, small enough to stop runaway recursion, enumeration or string building quickly. */
export const DEFAULT_LIMITS: ResolvedLimits = { maxSteps: 5_000_000, maxDepth: 1_000, timeoutMs: 0, maxBytes: 64 * 1024 * 1024 };

/** The error code each limit raises. */
export const LIMIT_ERROR_CODES: Readonly<Record<LimitKind, RegoErrorCode>> = {
  steps: 'eval_step_limit_error',
  time: 'eval_timeout_error',
  memory: 'eval_memory_limit_error',
};

/** The limit an error code reports, when it is one of the budget limits. */
export function limitOfCode(code: string): LimitKind | undefined {
  for (const [kind, c] of Object.entries(LIMIT_ERROR_CODES)) if (c === code) return kind as LimitKind;
  return undefined;
}

export function resolveLimits(...layers: (EvalLimits | undefined)[]): ResolvedLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const l of layers) {
    if (!l) continue;
    if (l.maxSteps !== undefined) out.maxSteps = l.maxSteps;
    if (l.maxDepth !== undefined) out.maxDepth = l.maxDepth;
    if (l.timeoutMs !== undefined) out.timeoutMs = l.timeoutMs;
    if (l.maxBytes !== undefined) out.maxBytes = l.maxBytes;
  }
  return out;
}

/**
 * What the queries of one request may still spend together: steps, bytes built and milliseconds
 * of evaluation. Each query is bounded by what is left when it starts and spends what it used.
 */
export class EvalBudget {
  readonly maxSteps: number;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  steps: number;
  bytes: number;
  ms: number;

  constructor(limits: { maxSteps: number; maxBytes: number; timeoutMs: number }) {
    this.maxSteps = this.steps = limits.maxSteps;
    this.maxBytes = this.bytes = limits.maxBytes;
    this.timeoutMs = this.ms = limits.timeoutMs;
  }

  spend(steps: number, bytes: number, ms: number): void {
    this.steps = Math.max(0, this.steps - steps);
    this.bytes = Math.max(0, this.bytes - bytes);
    this.ms = Math.max(0, this.ms - ms);
  }
}

// Evaluation limits for untrusted input: step budget, rule/function call depth and an optional timeout.

export interface EvalLimits {
  maxSteps?: number;
  maxDepth?: number;
  timeoutMs?: number;
}

export interface ResolvedLimits {
  maxSteps: number;
  maxDepth: number;
  timeoutMs: number;
}

/** Generous for real policies, small enough to stop runaway recursion or enumeration quickly. */
export const DEFAULT_LIMITS: ResolvedLimits = { maxSteps: 5_000_000, maxDepth: 1_000, timeoutMs: 0 };

export function resolveLimits(...layers: (EvalLimits | undefined)[]): ResolvedLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const l of layers) {
    if (!l) continue;
    if (l.maxSteps !== undefined) out.maxSteps = l.maxSteps;
    if (l.maxDepth !== undefined) out.maxDepth = l.maxDepth;
    if (l.timeoutMs !== undefined) out.timeoutMs = l.timeoutMs;
  }
  return out;
}

// Turns the raw entrypoint value into an EngineDecision; anything unexpected fails closed.
import type { EngineDecision } from './types.js';

function strings(v: unknown): string[] | undefined {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    if (typeof x !== 'string') return undefined;
    out.push(x);
  }
  return out;
}

/** Deny carrying an error code, for results the service could not use. */
export function failClosed(code: string, message: string): EngineDecision {
  return { allow: false, reasons: [`policy_error: ${code}`], required_scopes: [], error: { code, message } };
}

/** Deny for an evaluation stopped by its request's budget (limit: steps, time or memory). */
export function limitExceeded(limit: string, code: string, message: string): EngineDecision {
  return { allow: false, reasons: [`evaluation_limit_exceeded: ${limit}`], required_scopes: [], error: { code, message } };
}

/**
 * Interprets a decision object (`allow`, `reasons`, `required_scopes`, `ttl_seconds`) or a
 * boolean (the `allow` fallback rule). Only `allow === true` allows; a malformed object denies.
 */
export function interpretResult(value: unknown, ref: string): EngineDecision {
  if (typeof value === 'boolean') {
    return { allow: value, reasons: value ? [] : [`denied by ${ref}`], required_scopes: [] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failClosed('policy_invalid_result', `${ref} is neither an object nor a boolean`);
  }
  const obj = value as Record<string, unknown>;
  const reasons = strings(obj.reasons);
  const requiredScopes = strings(obj.required_scopes);
  if (typeof obj.allow !== 'boolean' || !reasons || !requiredScopes) {
    return failClosed('policy_invalid_result', `${ref} must hold a boolean allow and string lists reasons/required_scopes`);
  }
  const out: EngineDecision = { allow: obj.allow, reasons, required_scopes: requiredScopes };
  if (obj.ttl_seconds !== undefined) {
    if (typeof obj.ttl_seconds !== 'number' || !Number.isFinite(obj.ttl_seconds) || obj.ttl_seconds < 0) {
      return failClosed('policy_invalid_result', `${ref}.ttl_seconds must be a non-negative number`);
    }
    out.ttl_seconds = Math.floor(obj.ttl_seconds);
  }
  if (!out.allow && out.reasons.length === 0) out.reasons = [`denied by ${ref}`];
  return out;
}

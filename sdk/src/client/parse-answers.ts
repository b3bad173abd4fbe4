// Checks the service's answers where they enter the SDK, so everything after can trust the types.
import { AuthzResponseError } from '../errors.js';
import type { Decision, IntrospectionResponse, TokenCheck } from './types.js';

const outcomes = new Set(['allow', 'deny', 'invalid_token']);

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AuthzResponseError('body is not JSON');
  }
}

function checkDecision(value: unknown, where: string): Decision {
  if (typeof value !== 'object' || value === null) throw new AuthzResponseError(`${where} is not an object`);
  const d = value as Record<string, unknown>;
  if (typeof d.outcome !== 'string' || !outcomes.has(d.outcome)) throw new AuthzResponseError(`${where}.outcome is invalid`);
  if (typeof d.allow !== 'boolean') throw new AuthzResponseError(`${where}.allow is not a boolean`);
  // An allow must agree with its outcome; anything else is treated as a broken answer (fail closed).
  if (d.allow !== (d.outcome === 'allow')) throw new AuthzResponseError(`${where}.allow contradicts outcome`);
  if (d.reasons !== undefined && !isStringArray(d.reasons)) throw new AuthzResponseError(`${where}.reasons is not a string array`);
  if (d.required_scopes !== undefined && !isStringArray(d.required_scopes)) throw new AuthzResponseError(`${where}.required_scopes is not a string array`);
  if (d.ttl_seconds !== undefined && typeof d.ttl_seconds !== 'number') throw new AuthzResponseError(`${where}.ttl_seconds is not a number`);
  if (d.subject !== undefined && (typeof d.subject !== 'object' || d.subject === null)) throw new AuthzResponseError(`${where}.subject is not an object`);
  return { ...d, reasons: (d.reasons as string[] | undefined) ?? [] } as unknown as Decision;
}

/**
 * Parses the body of `POST /v1/decisions`.
 *
 * @param body - response text
 */
export function parseDecision(body: string): Decision {
  return checkDecision(parseJson(body), 'decision');
}

/**
 * Parses the body of `POST /v1/decisions/batch` and checks that it answers every action.
 *
 * @param body - response text
 * @param expected - number of actions asked about
 */
export function parseBatch(body: string, expected: number): Decision[] {
  const parsed = parseJson(body) as { results?: unknown };
  if (!Array.isArray(parsed?.results)) throw new AuthzResponseError('batch.results is not an array');
  if (parsed.results.length !== expected) throw new AuthzResponseError(`batch answered ${parsed.results.length} of ${expected} actions`);
  return parsed.results.map((item, i) => checkDecision(item, `batch.results[${i}]`));
}

/**
 * Parses an RFC 7662 introspection answer.
 *
 * @param body - response text
 */
export function parseIntrospection(body: string): IntrospectionResponse {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { active?: unknown }).active !== 'boolean') {
    throw new AuthzResponseError('introspection.active is not a boolean');
  }
  return parsed as IntrospectionResponse;
}

/**
 * Parses the body of `POST /v1/tokens/check`; a valid answer must carry its subject.
 *
 * @param body - response text
 */
export function parseTokenCheck(body: string): TokenCheck {
  const parsed = parseJson(body) as Record<string, unknown> | null;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.valid !== 'boolean') throw new AuthzResponseError('token check.valid is not a boolean');
  if (parsed.valid) {
    const subject = parsed.subject as Record<string, unknown> | undefined;
    if (typeof subject !== 'object' || subject === null || !isStringArray(subject.scopes)) throw new AuthzResponseError('token check.subject is invalid');
    return parsed as unknown as TokenCheck;
  }
  if (parsed.reason !== undefined && typeof parsed.reason !== 'string') throw new AuthzResponseError('token check.reason is not a string');
  return { valid: false, ...(typeof parsed.reason === 'string' ? { reason: parsed.reason } : {}) };
}

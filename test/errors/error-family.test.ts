// The error family: every error class in the service extends AuthzServiceError, and every code it
// can carry is in the ServiceErrorCode union, so codes stay one typed, stable list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  AuthzServiceError,
  INVALID_REASONS,
  PROBLEM_CODES,
  SERVICE_ERROR_CODES,
  isServiceErrorCode,
} from '../../service/src/errors/index.js';
import { ConfigError } from '../../service/src/config/errors.js';
import { HttpProblem, PROBLEMS } from '../../service/src/http/problems.js';
import { OpaError } from '../../service/src/http/opa-errors.js';
import { LIMIT_ERROR_CODES, RegoCompileError, RegoError } from '../../service/src/rego/index.js';
import { TokenError } from '../../service/src/tokens/errors.js';

const SRC = new URL('../../service/src/', import.meta.url).pathname;
const BASE_FILE = 'errors/service-error.ts';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const FILES = sources(SRC).map((f) => ({ file: relative(SRC, f), text: readFileSync(f, 'utf8') }));

test('no class in service/src extends a built-in error except the base', () => {
  const builtin = /\bclass\s+(\w+)(?:<[^>{]*>)?\s+extends\s+(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)\b/g;
  const offenders: string[] = [];
  let bases = 0;
  for (const { file, text } of FILES) {
    for (const m of text.matchAll(builtin)) {
      if (file === BASE_FILE && m[1] === 'AuthzServiceError') bases++;
      else offenders.push(`${file}: class ${m[1]} extends ${m[2]}`);
    }
  }
  assert.deepEqual(offenders, []);
  assert.equal(bases, 1);
});

test('every class named like an error extends AuthzServiceError or another service error', () => {
  const decl = /\bclass\s+(\w+)(?:<[^>{]*>)?(?:\s+extends\s+(\w+))?/g;
  const parent = new Map<string, string | undefined>();
  for (const { text } of FILES) for (const m of text.matchAll(decl)) parent.set(m[1]!, m[2]);
  const reachesBase = (name: string, seen = new Set<string>()): boolean => {
    if (name === 'AuthzServiceError') return true;
    const p = parent.get(name);
    if (p === undefined || seen.has(name)) return false;
    seen.add(name);
    return reachesBase(p, seen);
  };
  const errorLike = [...parent.keys()].filter((n) => /(Error|Problem|Failure|Exceeded)$/.test(n) && n !== 'AuthzServiceError');
  assert.ok(errorLike.length >= 30, `found ${errorLike.length} error classes`);
  assert.deepEqual(errorLike.filter((n) => !reachesBase(n)), []);
});

test('every code literal an error class declares is in the union', () => {
  const literals = new Set<string>();
  for (const { text } of FILES) {
    for (const m of text.matchAll(/extends AuthzServiceError<([^>{]+)>/g)) for (const l of m[1]!.matchAll(/'([^']+)'/g)) literals.add(l[1]!);
    for (const m of text.matchAll(/readonly code = '([^']+)'/g)) literals.add(m[1]!);
  }
  assert.ok(literals.size >= 20, `found ${literals.size} code literals`);
  assert.deepEqual([...literals].filter((c) => !isServiceErrorCode(c)), []);
});

test('the union lists each code once, and the problem table has exactly the problem codes', () => {
  assert.equal(new Set(SERVICE_ERROR_CODES).size, SERVICE_ERROR_CODES.length);
  assert.deepEqual(Object.keys(PROBLEMS).sort(), [...PROBLEM_CODES].sort());
  for (const code of Object.values(LIMIT_ERROR_CODES)) assert.ok(isServiceErrorCode(code), code);
  assert.equal(isServiceErrorCode('ERR_NOT_A_CODE'), false);
});

test('the families keep their code values, names and causes', () => {
  for (const reason of INVALID_REASONS) {
    const e = new TokenError(reason);
    assert.equal(e.code, `ERR_TOKEN_${reason.toUpperCase()}`);
    assert.ok(isServiceErrorCode(e.code), e.code);
  }
  const cause = new Error('socket closed');
  const cases: [AuthzServiceError, string, string][] = [
    [new TokenError('expired', 'token expired', { cause }), 'TokenError', 'ERR_TOKEN_EXPIRED'],
    [new ConfigError([{ path: 'port', message: 'must be integer' }]), 'ConfigError', 'ERR_CONFIG_INVALID'],
    [new HttpProblem('not_found'), 'HttpProblem', 'not_found'],
    [new OpaError(404, 'undefined_document', 'no such document'), 'OpaError', 'undefined_document'],
    [new RegoError('eval_conflict_error', 'conflict'), 'RegoError', 'eval_conflict_error'],
    [new RegoCompileError([{ code: 'rego_parse_error', message: 'unexpected }' }]), 'RegoCompileError', 'ERR_REGO_COMPILE'],
  ];
  for (const [e, name, code] of cases) {
    assert.ok(e instanceof AuthzServiceError, name);
    assert.ok(e instanceof Error, name);
    assert.equal(e.name, name);
    assert.equal(e.code, code);
  }
  assert.equal(cases[0]![0].cause, cause);
});

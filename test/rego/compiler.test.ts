// Compiler: one located error per problem (unsafe vars, unknown functions, arity, recursion), all reported.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, RegoCompileError, type RegoErrorInfo } from '../../service/src/rego/index.js';

function errorsOf(source: string): RegoErrorInfo[] {
  try {
    compilePolicy({ modules: [{ path: 'c.rego', source }] });
  } catch (e) {
    if (e instanceof RegoCompileError) return e.errors;
    throw e;
  }
  return [];
}

describe('compiler errors', () => {
  test('unsafe var: one error at the var', () => {
    const errs = errorsOf('package t\n\np if {\n  x > 1\n}\n');
    assert.equal(errs.length, 1);
    assert.equal(errs[0].code, 'rego_unsafe_var_error');
    assert.equal(errs[0].message, 'var x is unsafe');
    assert.deepEqual(errs[0].location, { file: 'c.rego', row: 4, col: 3 });
  });

  test('unsafe head var', () => {
    const errs = errorsOf('package t\np := y if { true }\n');
    assert.deepEqual(
      errs.map((e) => [e.code, e.message]),
      [['rego_unsafe_var_error', 'var y is unsafe']],
    );
  });

  test('unknown function and wrong arity, both reported', () => {
    const errs = errorsOf('package t\np if { nope(1) }\nq if { count(1, 2, 3) }\n');
    assert.deepEqual(
      errs.map((e) => [e.code, e.location?.row]),
      [
        ['rego_type_error', 2],
        ['rego_type_error', 3],
      ],
    );
    assert.match(errs[0].message, /undefined function nope/);
    assert.match(errs[1].message, /count: arity mismatch/);
  });

  test('recursion is rejected with the cycle', () => {
    const errs = errorsOf('package t\np if q\nq if p\n');
    assert.ok(errs.length >= 1);
    assert.equal(errs[0].code, 'rego_recursion_error');
    assert.match(errs[0].message, /data\.t\.p -> data\.t\.q -> data\.t\.p|data\.t\.q -> data\.t\.p -> data\.t\.q/);
  });

  test('re-assigning a local var is a compile error', () => {
    const errs = errorsOf('package t\np if {\n  x := 1\n  x := 2\n}\n');
    assert.equal(errs[0].code, 'rego_compile_error');
    assert.equal(errs[0].message, 'var x assigned above');
  });

  test('declaring a var after using it is a compile error', () => {
    const errs = errorsOf('package t\np if {\n  x == 1\n  x := 1\n}\n');
    assert.deepEqual(
      errs.map((e) => [e.code, e.message, e.location?.row]),
      [['rego_compile_error', 'var x referenced above', 4]],
    );
  });

  test('body expressions are reordered for safety', () => {
    const policy = compilePolicy({ modules: [{ path: 'c.rego', source: 'package t\np := y if {\n  y == 2\n  y = x + 1\n  x = 1\n}\n' }] });
    assert.equal(policy.evalRef('data.t.p'), 2);
  });
});

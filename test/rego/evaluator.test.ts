// Evaluator semantics: undefined vs false, conflicts, with, else, every/some/in, indexing, bignums, tests.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, RegoError, RegoSet, type Value } from '../../service/src/rego/index.js';

function policyOf(source: string, data?: Value) {
  return compilePolicy({ modules: [{ path: 'e.rego', source }], data });
}

describe('evaluator', () => {
  test('undefined is not false; default fills in', () => {
    const p = policyOf('package t\nq if input.x == 1\ndefault r := false\nr if input.x == 1\n');
    assert.equal(p.evalRef('data.t.q', { input: { x: 2 } }), undefined);
    assert.equal(p.evalRef('data.t.r', { input: { x: 2 } }), false);
    assert.deepEqual(p.evalQuery('data.t.q', { input: { x: 2 } }), []);
  });

  test('query results carry bindings and expression values', () => {
    const p = policyOf('package t\nxs := [1, 2, 3]\n');
    const rs = p.evalQuery('x := data.t.xs[i]; x > 1');
    assert.deepEqual(
      rs.map((r) => r.bindings),
      [
        { x: 2, i: 1 },
        { x: 3, i: 2 },
      ],
    );
    assert.deepEqual(p.evalQuery('data.t.xs[0]')[0].expressions, [1]);
  });

  test('complete rule conflict raises eval_conflict_error', () => {
    const p = policyOf('package t\np := x if { some x in [1, 2] }\n');
    assert.throws(
      () => p.evalRef('data.t.p'),
      (e: unknown) => e instanceof RegoError && e.code === 'eval_conflict_error' && /complete rules must not produce multiple outputs/.test(e.message),
    );
  });

  test('partial sets, partial objects and ref heads', () => {
    const p = policyOf('package t\ns contains x if some x in input.xs\no[k] := v if some k, v in input.m\na.b[k].c := 1 if some k in input.xs\n');
    const input = { xs: ['x', 'y', 'x'], m: { k: 1 } };
    const s = p.evalRef('data.t.s', { input });
    assert.ok(s instanceof RegoSet);
    assert.deepEqual(s.values(), ['x', 'y']);
    assert.deepEqual({ ...(p.evalRef('data.t.o', { input }) as object) }, { k: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(p.evalRef('data.t.a', { input }))), { b: { x: { c: 1 }, y: { c: 1 } } });
  });

  test('functions with else and multiple definitions', () => {
    const p = policyOf('package t\nf(x) := "small" if x < 10\nelse := "big"\ng(1) := "one"\ng(2) := "two"\n');
    assert.equal(p.evalQuery('x := data.t.f(3)')[0].bindings.x, 'small');
    assert.equal(p.evalQuery('x := data.t.f(30)')[0].bindings.x, 'big');
    assert.equal(p.evalQuery('x := data.t.g(2)')[0].bindings.x, 'two');
    assert.deepEqual(p.evalQuery('x := data.t.g(3)'), []);
  });

  test('every, not, some-in and in', () => {
    const p = policyOf('package t\nall_pos if every x in input.xs { x > 0 }\nnone_neg if not any_neg\nany_neg if { some x in input.xs; x < 0 }\nhas2 := 2 in input.xs\n');
    assert.equal(p.evalRef('data.t.all_pos', { input: { xs: [1, 2] } }), true);
    assert.equal(p.evalRef('data.t.all_pos', { input: { xs: [1, -2] } }), undefined);
    assert.equal(p.evalRef('data.t.none_neg', { input: { xs: [1, 2] } }), true);
    assert.equal(p.evalRef('data.t.has2', { input: { xs: [1, 3] } }), false);
  });

  test('with replaces input, data and functions for one expression only', () => {
    const p = policyOf('package t\nq := input.x\nd := data.cfg.v\nf(x) := x\nwi := [a, b] if { a := q with input.x as 5; b := q }\nwd := x if x := d with data.cfg.v as 9\nwf := x if x := f(1) with f as 7\n', { cfg: { v: 1 } });
    assert.deepEqual(p.evalRef('data.t.wi', { input: { x: 1 } }), [5, 1]);
    assert.equal(p.evalRef('data.t.wd'), 9);
    assert.equal(p.evalRef('data.t.wf'), 7);
  });

  test('rule indexing on input equality picks the matching rules', () => {
    let src = 'package t\ndefault allow := false\n';
    for (let i = 0; i < 30; i++) src += `allow if { input.tool == "t${i}"; input.n == ${i} }\n`;
    const p = policyOf(src);
    assert.equal(p.evalRef('data.t.allow', { input: { tool: 't7', n: 7 } }), true);
    assert.equal(p.evalRef('data.t.allow', { input: { tool: 't7', n: 8 } }), false);
    assert.equal(p.evalRef('data.t.allow', { input: { tool: 'zzz', n: 7 } }), false);
  });

  test('integers beyond 2^53 stay exact', () => {
    const p = policyOf('package t\nbig := 123456789012345678901234567890\neq if big == 123456789012345678901234567890\nneq if big != 123456789012345678901234567891\n');
    assert.equal(p.evalRef('data.t.big'), 123456789012345678901234567890n);
    assert.equal(p.evalRef('data.t.eq'), true);
    assert.equal(p.evalRef('data.t.neq'), true);
  });

  test('builtin errors: undefined by default, raised when strict', () => {
    const p = policyOf('package t\np := x if x := to_number("nope")\n');
    assert.equal(p.evalRef('data.t.p'), undefined);
    assert.throws(() => p.evalRef('data.t.p', { strictBuiltinErrors: true }), (e: unknown) => e instanceof RegoError && e.code === 'eval_builtin_error');
  });

  test('print goes to the sink; runTests reports each test_ rule', () => {
    const lines: string[] = [];
    const p = policyOf('package t\np if print("hi", input.missing)\ntest_ok if true\ntest_bad if false\n');
    assert.equal(p.evalRef('data.t.p', { print: (l) => lines.push(l) }), true);
    assert.deepEqual(lines, ['hi <undefined>']);
    assert.deepEqual(
      p.runTests().map((r) => [r.name, r.passed]),
      [
        ['data.t.test_ok', true],
        ['data.t.test_bad', false],
      ],
    );
  });
});

// Limits: an expensive enumeration hits the step budget, a deep rule chain the depth limit; no raw JS errors.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, EvalBudget, RegoError, type Value } from '../../service/src/rego/index.js';

describe('limits', () => {
  test('an expensive cross product stops with eval_step_limit_error', () => {
    const p = compilePolicy({
      modules: [{ path: 'l.rego', source: 'package t\nn := count([1 | some a in numbers.range(1, 2000); some b in numbers.range(1, 2000); a != b])\n' }],
      limits: { maxSteps: 100_000 },
    });
    assert.throws(() => p.evalRef('data.t.n'), (e: unknown) => e instanceof RegoError && e.code === 'eval_step_limit_error');
  });

  test('a long chain of rules stops with eval_depth_limit_error', () => {
    let src = 'package t\np0 := 1\n';
    for (let i = 1; i <= 50; i++) src += `p${i} := p${i - 1} + 1\n`;
    const p = compilePolicy({ modules: [{ path: 'l.rego', source: src }] });
    assert.equal(p.evalRef('data.t.p50'), 51);
    assert.throws(() => p.evalRef('data.t.p50', { limits: { maxDepth: 10 } }), (e: unknown) => e instanceof RegoError && e.code === 'eval_depth_limit_error');
  });

  test('deeply nested input never surfaces a raw JS exception', () => {
    let deep: Value = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const p = compilePolicy({ modules: [{ path: 'l.rego', source: 'package t\np if input.a == input.b\n' }] });
    try {
      const r = p.evalRef('data.t.p', { input: { a: deep, b: deep } });
      assert.ok(r === true || r === undefined);
    } catch (e) {
      assert.ok(e instanceof RegoError, `raw exception: ${String(e)}`);
    }
  });

  const isCode = (code: string) => (e: unknown) => e instanceof RegoError && e.code === code;

  test('builtins that build far more than they were given stop at the byte limit before building', () => {
    const p = compilePolicy({ modules: [{ path: 'l.rego', source: 'package t\nr := count(replace(input.s, "", input.s))\nc := count(concat(input.s, [y | some x in numbers.range(1, 2000); y := sprintf("%d", [x])]))\n' }] });
    const input = { s: 'x'.repeat(20_000) };
    assert.throws(() => p.evalRef('data.t.r', { input, limits: { maxBytes: 1_000_000 } }), isCode('eval_memory_limit_error'));
    assert.throws(() => p.evalRef('data.t.c', { input, limits: { maxBytes: 1_000_000 } }), isCode('eval_memory_limit_error'));
    assert.equal(p.evalRef('data.t.r', { input: { s: 'ab' } }), 8);
  });

  test('values sharing parts are charged for their expanded size when serialized', () => {
    // b holds a 1000 times, a holds s 1000 times: json.marshal(b) would be 1000 × 1000 × |s|.
    const src = 'package t\na := [input.s | some x in numbers.range(1, 1000); x > 0]\nb := [a | some x in numbers.range(1, 1000); x > 0]\nj := json.marshal(b)\nw := count([p | walk(b, [p, _])])\n';
    const p = compilePolicy({ modules: [{ path: 'l.rego', source: src }] });
    const input = { s: 'x'.repeat(1000) };
    assert.throws(() => p.evalRef('data.t.j', { input, limits: { maxBytes: 10_000_000 } }), isCode('eval_memory_limit_error'));
    assert.throws(() => p.evalRef('data.t.w', { input, limits: { maxBytes: 100_000 } }), isCode('eval_memory_limit_error'));
  });

  test('queries sharing a budget spend it together', () => {
    const p = compilePolicy({ modules: [{ path: 'l.rego', source: 'package t\nn := count([x | some x in numbers.range(1, input.n); x > 0])\n' }] });
    const budget = new EvalBudget({ maxSteps: 25_000, maxBytes: 1e9, timeoutMs: 60_000 });
    assert.equal(p.evalRef('data.t.n', { input: { n: 10_000 }, budget }), 10_000);
    assert.equal(p.evalRef('data.t.n', { input: { n: 10_000 }, budget }), 10_000);
    assert.throws(() => p.evalRef('data.t.n', { input: { n: 10_000 }, budget }), isCode('eval_step_limit_error'));
    // Spent: even a trivial query stops at once.
    assert.throws(() => p.evalRef('data.t.n', { input: { n: 1 }, budget }), isCode('eval_step_limit_error'));
    assert.equal(p.evalRef('data.t.n', { input: { n: 10_000 } }), 10_000);
  });

  test('a spent time budget stops the next query at its first step', () => {
    const p = compilePolicy({ modules: [{ path: 'l.rego', source: 'package t\nn := count([x | some x in numbers.range(1, 10); x > 0])\n' }] });
    const budget = new EvalBudget({ maxSteps: 1e9, maxBytes: 1e9, timeoutMs: 1 });
    budget.spend(0, 0, 1);
    assert.throws(() => p.evalRef('data.t.n', { budget }), isCode('eval_timeout_error'));
  });
});

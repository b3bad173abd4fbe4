// Limits: an expensive enumeration hits the step budget, a deep rule chain the depth limit; no raw JS errors.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, RegoError, type Value } from '../../service/src/rego/index.js';

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
});

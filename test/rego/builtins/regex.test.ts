// Behaviour table of the "regex" builtins, plus the linear-time guarantee on hostile patterns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBuiltinTable } from './builtin-table.js';
import { BUILTINS, type BuiltinContext } from '../../../service/src/rego/builtins/index.js';
import type { Value } from '../../../service/src/rego/value.js';

const ctx: BuiltinContext = { nowNs: 0n, print: () => undefined, cache: new Map(), charge: () => undefined };

function call(name: string, ...args: Value[]): Value | undefined {
  const decl = BUILTINS.get(name);
  assert.ok(decl, `${name} is registered`);
  return decl.impl(args, ctx);
}

describe('rego builtins: regex', () => {
  runBuiltinTable(new URL('./regex.yaml', import.meta.url));

  test('catastrophic-backtracking patterns finish on long inputs (RE2 is linear)', () => {
    const input = 'a'.repeat(50_000) + '!';
    assert.equal(call('regex.match', '(a+)+$', input), false);
    assert.equal(call('regex.match', '^(a|aa)*$', input), false);
    assert.equal(call('regex.match', '(.*a){20}', input), true);
    assert.deepEqual(call('regex.find_n', '(a*)*b', input, -1), []);
    assert.equal(call('regex.replace', input, '(a+)+!', 'x'), 'x');
  });

  test('glob patterns with many stars finish on long inputs', () => {
    const input = 'a'.repeat(50_000);
    assert.equal(call('glob.match', '*a*a*a*a*a*a*a*a*a*b', null, input), false);
    assert.equal(call('glob.match', '**a**a**a**a**', ['.'], input), true);
  });
});

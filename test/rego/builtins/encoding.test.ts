// Behaviour table of the "encoding" builtins, plus the bounded nesting of decoded JSON.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBuiltinTable } from './builtin-table.js';
import { BUILTINS, BuiltinError, type BuiltinContext } from '../../../service/src/rego/builtins/index.js';

const ctx: BuiltinContext = { nowNs: 0n, print: () => undefined, cache: new Map(), charge: () => undefined };

describe('rego builtins: encoding', () => {
  runBuiltinTable(new URL('./encoding.yaml', import.meta.url));

  test('deeply nested JSON is a builtin error, not a stack overflow', () => {
    const unmarshal = BUILTINS.get('json.unmarshal');
    const isValid = BUILTINS.get('json.is_valid');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.throws(
      () => unmarshal?.impl([deep], ctx),
      (e: unknown) => e instanceof BuiltinError && e.code === 'eval_builtin_error' && e.message === 'json.unmarshal: exceeded max depth',
    );
    assert.equal(isValid?.impl([deep], ctx), false);
    assert.deepEqual(unmarshal?.impl(['['.repeat(500) + ']'.repeat(500)], ctx) !== undefined, true);
  });
});

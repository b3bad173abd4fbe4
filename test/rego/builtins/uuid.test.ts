// Behaviour table of the "uuid" builtins, plus uuid.rfc4122's per-query stability.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBuiltinTable } from './builtin-table.js';
import { BUILTINS, type BuiltinContext } from '../../../service/src/rego/builtins/index.js';

function newContext(): BuiltinContext {
  return { nowNs: 0n, print: () => undefined, cache: new Map(), charge: () => undefined };
}

describe('rego builtins: uuid', () => {
  runBuiltinTable(new URL('./uuid.yaml', import.meta.url));

  const rfc4122 = BUILTINS.get('uuid.rfc4122');

  test('uuid.rfc4122 is a random version 4 UUID and declared nondeterministic', () => {
    assert.ok(rfc4122?.nondeterministic);
    const id = rfc4122.impl(['k'], newContext());
    assert.match(String(id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('uuid.rfc4122 repeats within one query context and differs across contexts and keys', () => {
    const ctx = newContext();
    const a = rfc4122?.impl(['k'], ctx);
    assert.equal(rfc4122?.impl(['k'], ctx), a);
    assert.notEqual(rfc4122?.impl(['other'], ctx), a);
    assert.notEqual(rfc4122?.impl(['k'], newContext()), a);
  });
});

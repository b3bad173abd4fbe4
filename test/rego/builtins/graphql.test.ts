// Behaviour table of the graphql builtins, called directly through the registry, and the nesting bound.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTINS, BuiltinError, type BuiltinContext } from '../../../service/src/rego/builtins/index.js';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: graphql', () => {
  runBuiltinTable(new URL('./graphql.yaml', import.meta.url));

  test('deeply nested input is a parse error, not a stack overflow', () => {
    const ctx: BuiltinContext = { nowNs: 0n, print: () => undefined, cache: new Map(), charge: () => undefined };
    const query = '{ a(x: ' + '['.repeat(100_000) + ']'.repeat(100_000) + ') }';
    assert.throws(
      () => BUILTINS.get('graphql.parse_query')?.impl([query], ctx),
      (e: unknown) => e instanceof BuiltinError && /Nesting deeper than 512 levels is not supported in GraphQL string at location 1:/.test(e.message),
    );
    assert.equal(BUILTINS.get('graphql.is_valid')?.impl([query, 'type Query { a(x: Int): Int }'], ctx), false);
  });
});

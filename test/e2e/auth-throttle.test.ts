// Two service instances sharing Redis throttle failed caller authentication together: failures
// against either count toward one limit, and both answer further failures 429 once it is reached,
// while the right secret from the same address is served by both.
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
  const config = { http: { auth_throttle: { max_failures: 4, max_failures_per_caller: 100, window_seconds: 60 } } };
  a = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix, config });
  b = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix, config });
});
after(async () => {
  await a.close();
  await b.close();
  await idp.close();
  await deleteKeys(SHARED_REDIS_URL, prefix);
});

const LOOPBACK = ['127.0.0.1', '::ffff:127.0.0.1', '::1'];
const wrong = `Basic ${Buffer.from('files-mcp:not-the-secret').toString('base64')}`;
const attempt = (h: DecisionServiceHarness) =>
  request(h.service.app).post('/v1/decisions').set('authorization', wrong).send({ token: 't', server: 'files', action: { method: 'tools/list' } });

test('failures on either instance add up to one limit; both refuse further failures and serve the right secret', async () => {
  assert.equal((await attempt(a)).status, 401);
  assert.equal((await attempt(b)).status, 401);
  assert.equal((await attempt(a)).status, 401);
  assert.equal((await attempt(b)).status, 401);
  // Four failures in all, two on each: the shared count reached the limit, and the block reaches
  // both instances (neither has counted four on its own). Polled on the throttles, so that polling
  // adds no failure; the loopback address is spelled as the socket reports it.
  const blocked = (h: DecisionServiceHarness): boolean => LOOPBACK.some((address) => h.service.deps.throttle.retryAfter({ address, callerId: 'files-mcp' }) > 0);
  await eventually(() => blocked(a) && blocked(b), 'both instances block the client');
  assert.equal((await attempt(a)).status, 429);
  const refused = await attempt(b);
  assert.equal(refused.body.code, 'too_many_failures');
  assert.ok(Number(refused.headers['retry-after']) > 0);
  // The right secret from the same address is served by either instance.
  for (const h of [a, b]) {
    const ok = await request(h.service.app).post('/v1/decisions').set('authorization', h.auth('files')).send({ token: 't', server: 'files', action: { method: 'tools/list' } });
    assert.equal(ok.status, 200);
  }
});

// Revocation list: propagation between replicas over real Redis, expiry, resync, and outage behaviour.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../../service/src/decisions/index.js';
import { createRevocationList, unverifiedJwtExp } from '../../service/src/revocation/index.js';
import { createMemoryStore, createRedisStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, testPrefix } from '../store/redis-helpers.js';

const prefix = testPrefix('revocation');
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

function jwtWithExp(exp: number): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none' })}.${enc({ exp, sub: 'x' })}.sig`;
}

test('a revocation on one replica reaches another via pub/sub, and a late starter via resync', async () => {
  const a = createRedisStore({ url: SHARED_REDIS_URL, prefix });
  const b = createRedisStore({ url: SHARED_REDIS_URL, prefix });
  const c = createRedisStore({ url: SHARED_REDIS_URL, prefix });
  const ra = createRevocationList({ store: a });
  const rb = createRevocationList({ store: b });
  const rc = createRevocationList({ store: c });
  try {
    await Promise.all([a.waitReady(5000), b.waitReady(5000), c.waitReady(5000)]);
    await ra.start();
    await rb.start();
    const exp = Math.floor(Date.now() / 1000) + 600;
    await ra.revokeToken(jwtWithExp(exp));
    await ra.revokeJti('https://iss', 'j1', exp);
    await eventually(() => rb.isTokenRevoked(hashToken(jwtWithExp(exp))) && rb.isJtiRevoked('https://iss', 'j1'), 'replica b sees both');
    assert.equal(rb.isJtiRevoked('https://iss', 'j2'), false);
    assert.equal(rb.isJtiRevoked('https://other', 'j1'), false);
    await rc.start();
    assert.equal(rc.isJtiRevoked('https://iss', 'j1'), true, 'initial resync loads stored revocations');
    assert.equal(rc.size(), 2);
  } finally {
    for (const r of [ra, rb, rc]) await r.stop();
    for (const s of [a, b, c]) await s.close();
  }
});

test('revocations end at the token expiry', async () => {
  let now = 1_000_000;
  const store = createMemoryStore({ now: () => now });
  const list = createRevocationList({ store, now: () => now });
  await list.start();
  await list.revokeTokenHash('h1', 1_000_010 / 1000 + 0.01);
  await list.revokeJti('i', 'j', (now + 60_000) / 1000);
  assert.equal(list.isTokenRevoked('h1'), true);
  now += 20;
  assert.equal(list.isTokenRevoked('h1'), false);
  assert.equal(list.isJtiRevoked('i', 'j'), true);
  assert.equal(await list.resync(), true);
  assert.equal(list.size(), 1);
  await list.stop();
});

test('unverifiedJwtExp reads exp only from well-formed JWTs', () => {
  assert.equal(unverifiedJwtExp(jwtWithExp(123)), 123);
  assert.equal(unverifiedJwtExp('opaque-token'), undefined);
  assert.equal(unverifiedJwtExp('a.b.c'), undefined);
});

// oidc-provider's storage adapter over the shared store: expiry, consumption, uid lookup, and
// revocation of a whole grant (which reports the grant so its access tokens can be revoked).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createStoreAdapter } from '../../service/src/oauth/adapter.js';
import { createMemoryStore } from '../../service/src/store/index.js';

function setup() {
  let t = 1_700_000_000_000;
  const now = () => t;
  const revoked: string[] = [];
  const Adapter = createStoreAdapter({ store: createMemoryStore({ now }), defaultTtlSeconds: 100, now, onGrantRevoked: async (g) => void revoked.push(g) });
  return { Adapter, revoked, advance: (ms: number) => (t += ms) };
}

describe('store adapter', () => {
  test('entries expire with the lifetime oidc-provider gives them', async () => {
    const { Adapter, advance } = setup();
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { jti: 'c1', kind: 'AuthorizationCode' }, 60);
    assert.equal((await codes.find('c1'))?.jti, 'c1');
    advance(61_000);
    assert.equal(await codes.find('c1'), undefined);
  });

  test('consume marks the entry without rewriting it', async () => {
    const { Adapter } = setup();
    const tokens = new Adapter('RefreshToken');
    await tokens.upsert('r1', { jti: 'r1', grantId: 'g1' }, 60);
    assert.equal((await tokens.find('r1'))?.consumed, undefined);
    await tokens.consume('r1');
    assert.ok((await tokens.find('r1'))?.consumed);
  });

  test('sessions are found by uid', async () => {
    const { Adapter } = setup();
    const sessions = new Adapter('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1' }, 60);
    assert.equal((await sessions.findByUid('u1'))?.jti, 's1');
  });

  test('revoking a grant removes its entries of every model and reports it once', async () => {
    const { Adapter, revoked } = setup();
    const refresh = new Adapter('RefreshToken');
    const codes = new Adapter('AuthorizationCode');
    await refresh.upsert('r1', { jti: 'r1', grantId: 'g1' }, 60);
    await codes.upsert('c1', { jti: 'c1', grantId: 'g1' }, 60);
    await codes.upsert('c2', { jti: 'c2', grantId: 'g2' }, 60);
    await Promise.all(['AccessToken', 'RefreshToken', 'AuthorizationCode'].map((m) => new Adapter(m).revokeByGrantId('g1')));
    assert.equal(await refresh.find('r1'), undefined);
    assert.equal(await codes.find('c1'), undefined);
    assert.equal((await codes.find('c2'))?.jti, 'c2');
    assert.deepEqual(revoked, ['g1']);
  });
});

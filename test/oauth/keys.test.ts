// Signing keys in the shared store: one replica creates them, all share them, rotation keeps the
// retired key published until its tokens have expired, then drops it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyManager } from '../../service/src/oauth/keys.js';
import { createMemoryStore } from '../../service/src/store/index.js';

function setup() {
  let t = 1_700_000_000_000;
  const now = () => t;
  const store = createMemoryStore({ now });
  const manager = (alg: 'RS256' | 'ES256' = 'ES256') => createKeyManager({ store, alg, rotationSeconds: 3600, retainSeconds: 600, now });
  return { manager, advance: (ms: number) => (t += ms) };
}

describe('signing key ring', () => {
  test('two replicas loading at once end up with the same single key', async () => {
    const { manager } = setup();
    const [a, b] = await Promise.all([manager().load(), manager().load()]);
    assert.equal(a.version, b.version);
    assert.equal(a.published.length, 1);
    assert.equal(a.signing.kid, a.published[0]!.kid);
    assert.equal(a.published[0]!.d, undefined, 'published keys are public');
    assert.ok(a.signing.d !== undefined, 'the signing key is private');
    assert.equal(a.cookieSecrets.length, 1);
  });

  test('rotation: new key signs, the old one stays published for the retention, then goes', async () => {
    const { manager, advance } = setup();
    const first = await manager().load();
    advance(3_600_000);
    const rotated = await manager().load();
    assert.notEqual(rotated.signing.kid, first.signing.kid);
    assert.deepEqual(rotated.published.map((k) => k.kid), [rotated.signing.kid, first.signing.kid]);
    advance(599_000);
    assert.equal((await manager().load()).published.length, 2);
    advance(2_000);
    assert.deepEqual((await manager().load()).published.map((k) => k.kid), [rotated.signing.kid]);
  });

  test('changing the algorithm rotates at once', async () => {
    const { manager } = setup();
    const es = await manager('ES256').load();
    const rs = await manager('RS256').load();
    assert.equal(rs.signing.alg, 'RS256');
    assert.ok(rs.published.some((k) => k.kid === es.signing.kid));
  });
});

// Bridges to the tokens package: validator mapping, the shared validation cache and the revocation hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSharedValidationCache, fromTokensValidator, revocationQueryHook } from '../../service/src/decisions/index.js';
import { createRecordingMetrics, silentLogger } from '../../service/src/hooks/index.js';
import { createRevocationList } from '../../service/src/revocation/index.js';
import { createMemoryStore } from '../../service/src/store/index.js';
import { TokenError, type ValidatedToken } from '../../service/src/tokens/index.js';

const token: ValidatedToken = {
  kind: 'jwt', issuer: 'https://iss', claims: { sub: 'alice', org: 'acme' }, sub: 'alice', clientId: 'c1',
  scopes: ['mcp:read'], audiences: ['https://r'], exp: Math.floor(Date.now() / 1000) + 60, jti: 'j1', tokenHash: 'h',
};
const server = { id: 'github', resource: 'https://r', audiences: [], shared_audience: false };

test('fromTokensValidator maps valid and invalid results', async () => {
  const v = fromTokensValidator(
    {
      validateForServer: async (t) =>
        t === 'good' ? { valid: true, token, server, cached: false } : { valid: false, reason: 'audience_mismatch', error: new TokenError('audience_mismatch') },
    },
    (id) => (id === 'github' ? server : undefined),
  );
  assert.deepEqual(await v('good', server), {
    ok: true,
    subject: { issuer: 'https://iss', scopes: ['mcp:read'], claims: { sub: 'alice', org: 'acme' }, sub: 'alice', client_id: 'c1', exp: token.exp, jti: 'j1' },
  });
  assert.deepEqual(await v('bad', server), { ok: false, code: 'audience_mismatch', reason: 'audience mismatch' });
  assert.equal((await v('good', { id: 'nope', resource: 'x' })).ok, false);
});

test('shared validation cache stores by the given key with the given ttl', async () => {
  const store = createMemoryStore();
  const metrics = createRecordingMetrics();
  const cache = createSharedValidationCache({ store, metrics, logger: silentLogger });
  assert.equal(await cache.get('jwt:h'), undefined);
  await cache.set('jwt:h', token, 30);
  assert.deepEqual(await cache.get('jwt:h'), token);
  // A second process (fresh LRU) sees it through the shared store.
  const other = createSharedValidationCache({ store, metrics, logger: silentLogger });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(await other.get('jwt:h'), token);
  await cache.set('jwt:zero', token, 0);
  assert.equal(await cache.get('jwt:zero'), undefined);
});

test('revocation hook answers by hash and by iss+jti', async () => {
  const list = createRevocationList({ store: createMemoryStore() });
  await list.revokeTokenHash('abc');
  await list.revokeJti('https://iss', 'j1');
  const hook = revocationQueryHook(list);
  assert.equal(hook({ tokenHash: 'abc' }), true);
  assert.equal(hook({ tokenHash: 'x', iss: 'https://iss', jti: 'j1' }), true);
  assert.equal(hook({ tokenHash: 'x', iss: 'https://iss' }), false);
});

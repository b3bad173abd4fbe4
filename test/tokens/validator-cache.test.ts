// The validation cache on the JWT path: a cached token skips verification, yet revocation by token
// hash or by (iss, jti) and the server's audience are still checked on every call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../service/src/config/registry.js';
import { resolveConfig } from '../../service/src/config/load.js';
import { createTokenValidator, hashToken, type RevocationQuery } from '../../service/src/tokens/index.js';
import { startIdentityProvider } from '../support/identity-provider.js';

const RESOURCE_A = 'https://a.mcp.test/mcp';
const RESOURCE_B = 'https://b.mcp.test/mcp';

test('a cached JWT is still checked for revocation and audience', async (t) => {
  const idp = await startIdentityProvider({ alg: 'RS256' });
  t.after(() => idp.close());
  const config = resolveConfig({
    issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }],
    servers: [{ id: 'a', resource: RESOURCE_A }, { id: 'b', resource: RESOURCE_B }],
  });
  const revoked = { hashes: new Set<string>(), jtis: new Set<string>() };
  const queries: RevocationQuery[] = [];
  const validator = createTokenValidator({
    config,
    registry: createRegistry(config),
    isRevoked: (q) => {
      queries.push(q);
      return revoked.hashes.has(q.tokenHash) || (q.jti !== undefined && revoked.jtis.has(`${q.iss} ${q.jti}`));
    },
  });
  const a = config.servers[0]!;
  const b = config.servers[1]!;
  const token = await idp.sign({ aud: RESOURCE_A, jti: 'jti-1' });
  const tokenHash = hashToken(token);

  const first = await validator.validateForServer(token, a, tokenHash);
  assert.ok(first.valid && !first.cached);
  const second = await validator.validateForServer(token, a, tokenHash);
  assert.ok(second.valid && second.cached, 'the second call is answered from the cache');
  assert.deepEqual(queries.at(-1), { tokenHash, iss: idp.issuer, jti: 'jti-1' }, 'a cached token is looked up with its own iss and jti');

  const other = await validator.validateForServer(token, b);
  assert.ok(!other.valid && other.reason === 'audience_mismatch', 'a cached token is still only valid for its audience');

  revoked.jtis.add(`${idp.issuer} jti-1`);
  const byJti = await validator.validateForServer(token, a, tokenHash);
  assert.ok(!byJti.valid && byJti.reason === 'revoked', 'a revocation by (iss, jti) beats the cached result');
  revoked.jtis.clear();
  revoked.hashes.add(tokenHash);
  const byHash = await validator.validateForServer(token, a);
  assert.ok(!byHash.valid && byHash.reason === 'revoked', 'a revocation by token hash beats the cached result');
});

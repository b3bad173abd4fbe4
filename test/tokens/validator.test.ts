// Token validation against real JWKS, discovery and introspection endpoints: key rotation, an
// endpoint that goes down, discovery-only issuers, static keys, opaque tokens, typ and scopes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSPKI, importJWK, type CryptoKey } from 'jose';
import { createRegistry } from '../../service/src/config/registry.js';
import { resolveConfig } from '../../service/src/config/load.js';
import type { ServerConfig } from '../../service/src/config/types.js';
import { createTokenValidator, type TokenObserver, type TokenValidator } from '../../service/src/tokens/index.js';
import { createSigningKey, startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';

const RESOURCE = 'https://mcp.test/mcp';

interface Harness {
  validator: TokenValidator;
  server: ServerConfig;
  advance(seconds: number): void;
  events: { fetches: { ok: boolean; source: string }[]; outcomes: string[] };
}

function harness(raw: Record<string, unknown>): Harness {
  const config = resolveConfig({ cache: { token_max_ttl_seconds: 0 }, ...raw });
  const registry = createRegistry(config);
  let offset = 0;
  const events: Harness['events'] = { fetches: [], outcomes: [] };
  const observer: TokenObserver = {
    onKeyFetch: (e) => events.fetches.push({ ok: e.ok, source: e.source }),
    onValidation: (e) => events.outcomes.push(e.outcome),
  };
  const validator = createTokenValidator({ config, registry, observer, now: () => Date.now() + offset * 1000 });
  return { validator, server: config.servers[0]!, advance: (s) => { offset += s; }, events };
}

async function reason(h: Harness, token: string): Promise<string> {
  const r = await h.validator.validateForServer(token, h.server);
  return r.valid ? 'valid' : r.reason;
}

describe('JWKS rotation', () => {
  test('a new kid is accepted after a refetch; a removed kid is rejected once the set is refreshed', async (t) => {
    const idp = await startIdentityProvider({ alg: 'ES256' });
    t.after(() => idp.close());
    const h = harness({
      tokens: { jwks: { cooldown_seconds: 0, cache_max_age_seconds: 60 } },
      issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }],
      servers: [{ id: 's', resource: RESOURCE }],
    });
    const old = idp.keys[0]!;
    assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
    assert.equal(idp.hits.get('/jwks'), 1);

    const fresh = await idp.addKey();
    assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { key: fresh })), 'valid');
    assert.equal(idp.hits.get('/jwks'), 2, 'the unknown kid caused one refetch');
    assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { key: old })), 'valid', 'both keys are published');

    idp.removeKey(old.kid);
    h.advance(61);
    assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { key: fresh })), 'valid');
    assert.equal(idp.hits.get('/jwks'), 3, 'the aged key set was refreshed');
    assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { key: old })), 'unknown_key');
  });

  test('unknown kids refetch at most once per cooldown', async (t) => {
    const idp = await startIdentityProvider({ alg: 'RS256' });
    t.after(() => idp.close());
    const h = harness({
      tokens: { jwks: { cooldown_seconds: 30 } },
      issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }],
      servers: [{ id: 's', resource: RESOURCE }],
    });
    assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
    h.advance(31);
    const stranger = await createSigningKey('RS256', 'ghost');
    const forged = await idp.sign({ aud: RESOURCE }, { key: stranger });
    assert.equal(await reason(h, forged), 'unknown_key');
    assert.equal(await reason(h, forged), 'unknown_key');
    assert.equal(await reason(h, forged), 'unknown_key');
    assert.equal(idp.hits.get('/jwks'), 2, 'one initial fetch and one refetch for the unknown kid');
  });
});

describe('JWKS endpoint down', () => {
  test('the last good key set serves within the staleness bound, not beyond it', async () => {
    const idp = await startIdentityProvider({ alg: 'EdDSA' });
    try {
      const h = harness({
        tokens: { jwks: { cooldown_seconds: 0, cache_max_age_seconds: 60, max_staleness_seconds: 600 } },
        issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }],
        servers: [{ id: 's', resource: RESOURCE }],
      });
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
      idp.down = true;
      h.advance(120);
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
      assert.equal(h.validator.keyStatus()[idp.issuer]!.state, 'stale');
      assert.ok(h.events.fetches.some((f) => !f.ok), 'the failed refetch was reported');
      h.advance(600);
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'keys_unavailable');
      assert.equal(h.validator.keyStatus()[idp.issuer]!.state, 'unavailable');
      idp.down = false;
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
      assert.equal(h.validator.keyStatus()[idp.issuer]!.state, 'fresh');
    } finally {
      await idp.close();
    }
  });

  test('an issuer whose keys never loaded is keys_unavailable', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256' });
    try {
      idp.down = true;
      const h = harness({ issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }], servers: [{ id: 's', resource: RESOURCE }] });
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'keys_unavailable');
    } finally {
      await idp.close();
    }
  });
});

describe('discovery', () => {
  test('OpenID Connect discovery from the issuer URL alone', async () => {
    const idp = await startIdentityProvider({ alg: 'ES256', discovery: 'oidc' });
    try {
      const h = harness({ issuers: [{ issuer: idp.issuer }], servers: [{ id: 's', resource: RESOURCE }] });
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
      assert.equal(idp.hits.get('/.well-known/openid-configuration'), 1);
      assert.equal(h.validator.keyStatus()[idp.issuer]!.source, 'discovery');
    } finally {
      await idp.close();
    }
  });

  test('RFC 8414 metadata for an issuer with a path', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256', discovery: 'oauth', path: '/tenant-1' });
    try {
      const h = harness({ issuers: [{ issuer: idp.issuer }], servers: [{ id: 's', resource: RESOURCE }] });
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'valid');
      assert.equal(idp.hits.get('/.well-known/oauth-authorization-server/tenant-1'), 1);
    } finally {
      await idp.close();
    }
  });

  test('metadata naming another issuer is refused', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256', discovery: 'oidc' });
    try {
      const h = harness({
        issuers: [{ issuer: `${idp.issuer}/other`, discovery_url: `${idp.issuer}/.well-known/openid-configuration` }],
        servers: [{ id: 's', resource: RESOURCE }],
      });
      assert.equal(await reason(h, await idp.sign({ iss: `${idp.issuer}/other`, aud: RESOURCE })), 'keys_unavailable');
    } finally {
      await idp.close();
    }
  });
});

describe('issuers that differ only by a trailing slash', () => {
  test('discovery says so, and a token naming the other spelling is refused with a hint', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256', discovery: 'oidc' });
    try {
      const config = resolveConfig({ cache: { token_max_ttl_seconds: 0 }, issuers: [{ issuer: `${idp.issuer}/` }], servers: [{ id: 's', resource: RESOURCE }] });
      const fetchErrors: string[] = [];
      const nearMisses: { claimed: string; configured: string }[] = [];
      const observer: TokenObserver = {
        onKeyFetch: (e) => { if (e.error !== undefined) fetchErrors.push(e.error); },
        onIssuerNearMiss: (e) => nearMisses.push(e),
      };
      const validator = createTokenValidator({ config, registry: createRegistry(config), observer });
      const server = config.servers[0]!;
      const asNamed = await validator.validateForServer(await idp.sign({ aud: RESOURCE }), server);
      assert.equal(asNamed.valid, false);
      assert.ok(!asNamed.valid && asNamed.reason === 'unknown_issuer');
      assert.ok(!asNamed.valid && asNamed.error.message.includes('only by a trailing slash'), !asNamed.valid ? asNamed.error.message : '');
      assert.deepEqual(nearMisses, [{ claimed: idp.issuer, configured: `${idp.issuer}/` }]);
      // The configured spelling is looked up too; its metadata names the other spelling.
      await validator.validateForServer(await idp.sign({ iss: `${idp.issuer}/`, aud: RESOURCE }), server);
      assert.ok(fetchErrors.some((e) => e.includes('only by a trailing slash')), fetchErrors.join('\n'));
    } finally {
      await idp.close();
    }
  });
});

describe('static keys and claims', () => {
  test('a PEM public key and an inline JWK set', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256' });
    try {
      const key = idp.keys[0]!;
      const pem = await exportSPKI(await importJWK(key.publicJwk, 'RS256', { extractable: true }) as CryptoKey);
      const ec = await idp.addKey('ES256');
      const h = harness({
        issuers: [{ issuer: idp.issuer, pem_keys: [{ pem, alg: 'RS256', kid: key.kid }], jwks: { keys: [ec.publicJwk] } }],
        servers: [{ id: 's', resource: RESOURCE }],
      });
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { kid: key.kid })), 'valid');
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { kid: ec.kid })), 'valid');
      assert.equal(idp.hits.get('/jwks'), undefined, 'static keys are never fetched');
    } finally {
      await idp.close();
    }
  });

  test('required_typ at+jwt refuses a plain JWT', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256' });
    try {
      const h = harness({ issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri, required_typ: 'at+jwt' }], servers: [{ id: 's', resource: RESOURCE }] });
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE })), 'wrong_type');
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { header: { typ: 'at+jwt' } })), 'valid');
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE }, { header: { typ: 'application/at+jwt' } })), 'valid');
    } finally {
      await idp.close();
    }
  });

  test('clock tolerance applies to exp', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256' });
    try {
      const h = harness({ issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri, clock_tolerance: 60 }], servers: [{ id: 's', resource: RESOURCE }] });
      const now = Math.floor(Date.now() / 1000);
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE, exp: now - 30 })), 'valid');
      assert.equal(await reason(h, await idp.sign({ aud: RESOURCE, exp: now - 120 })), 'expired');
    } finally {
      await idp.close();
    }
  });

  test('scopes, client id and subject are read out of the claims', async () => {
    const idp = await startIdentityProvider({ alg: 'RS256' });
    try {
      const h = harness({ issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }], servers: [{ id: 's', resource: RESOURCE }] });
      const r = await h.validator.validateForServer(await idp.sign({ aud: RESOURCE, sub: 'bob', scp: ['x', 'y'], azp: 'ide' }), h.server);
      assert.ok(r.valid);
      assert.deepEqual(r.token.scopes, ['x', 'y']);
      assert.equal(r.token.clientId, 'ide');
      assert.equal(r.token.sub, 'bob');
      assert.equal(r.token.kind, 'jwt');
      assert.match(r.token.tokenHash, /^[0-9a-f]{64}$/);
    } finally {
      await idp.close();
    }
  });
});

describe('opaque tokens', () => {
  async function opaqueSetup(): Promise<{ as: IdentityProvider; bystander: IdentityProvider; h: Harness }> {
    const as = await startIdentityProvider({ introspectionClient: { id: 'authz', secret: 's3cret' }, discovery: 'oidc' });
    const bystander = await startIdentityProvider({ introspectionClient: { id: 'authz', secret: 's3cret' } });
    const h = harness({
      cache: { token_max_ttl_seconds: 300 },
      issuers: [
        { issuer: as.issuer, introspection: { client_id: 'authz', client_secret: 's3cret' } },
        { issuer: bystander.issuer, introspection: { endpoint: bystander.introspectionEndpoint, client_id: 'authz', client_secret: 's3cret' } },
      ],
      servers: [{ id: 's', resource: RESOURCE, opaque_token_issuer: as.issuer }],
    });
    return { as, bystander, h };
  }

  test('go to the server\'s one designated authorization server, and the answer is cached', async () => {
    const { as, bystander, h } = await opaqueSetup();
    try {
      const exp = Math.floor(Date.now() / 1000) + 600;
      as.opaqueTokens.set('opaque-abc', { sub: 'carol', scope: 'mcp:read', client_id: 'agent', aud: RESOURCE, exp });
      const first = await h.validator.validateForServer('opaque-abc', h.server);
      assert.ok(first.valid);
      assert.equal(first.token.kind, 'opaque');
      assert.equal(first.token.sub, 'carol');
      assert.deepEqual(first.token.scopes, ['mcp:read']);
      const second = await h.validator.validateForServer('opaque-abc', h.server);
      assert.ok(second.valid && second.cached);
      assert.equal(as.hits.get('/introspect'), 1);
      assert.equal(bystander.hits.get('/introspect'), undefined, 'no other authorization server is asked');
      h.advance(700);
      assert.equal(await reason(h, 'opaque-abc'), 'expired', 'the cached answer does not outlive exp');
    } finally {
      await as.close();
      await bystander.close();
    }
  });

  test('inactive, foreign audience, and an unreachable server are all invalid', async () => {
    const { as, bystander, h } = await opaqueSetup();
    try {
      assert.equal(await reason(h, 'never-issued'), 'inactive');
      as.opaqueTokens.set('for-elsewhere', { aud: 'https://elsewhere.test' });
      assert.equal(await reason(h, 'for-elsewhere'), 'audience_mismatch');
      as.down = true;
      assert.equal(await reason(h, 'some-token'), 'introspection_failed');
    } finally {
      await as.close();
      await bystander.close();
    }
  });
});

describe('upstream introspection answers', () => {
  const OTHER = 'https://other.test/mcp';

  async function setup(servers: (issuer: string) => Record<string, unknown>[]): Promise<{ as: IdentityProvider; h: Harness; byId: (id: string) => ServerConfig }> {
    const as = await startIdentityProvider({ introspectionClient: { id: 'authz', secret: 's3cret' } });
    const raw = {
      issuers: [{ issuer: as.issuer, introspection: { endpoint: as.introspectionEndpoint, client_id: 'authz', client_secret: 's3cret' } }],
      servers: servers(as.issuer),
    };
    const h = harness(raw);
    const all = resolveConfig(raw).servers;
    return { as, h, byId: (id) => all.find((s) => s.id === id)! };
  }

  const outcome = async (h: Harness, token: string, server: ServerConfig): Promise<string> => {
    const r = await h.validator.validateForServer(token, server);
    return r.valid ? 'valid' : r.reason;
  };

  test('a token_type or token_use other than an access token is refused', async () => {
    const { as, h } = await setup((iss) => [{ id: 's', resource: RESOURCE, opaque_token_issuer: iss }]);
    try {
      const cases: [Record<string, unknown>, string][] = [
        [{}, 'valid'],
        [{ token_type: 'Bearer' }, 'valid'],
        [{ token_type: 'bearer' }, 'valid'],
        [{ token_type: 'access_token' }, 'valid'],
        [{ token_type: 'urn:ietf:params:oauth:token-type:access_token' }, 'valid'],
        [{ token_use: 'access_token' }, 'valid'],
        [{ token_type: 'refresh_token' }, 'wrong_type'],
        [{ token_type: 'Refresh' }, 'wrong_type'],
        [{ token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 'wrong_type'],
        [{ token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'wrong_type'],
        [{ token_type: 'N_A' }, 'wrong_type'],
        [{ token_type: 'DPoP' }, 'wrong_type'],
        [{ token_type: 42 }, 'wrong_type'],
        [{ token_type: 'Bearer', token_use: 'refresh_token' }, 'wrong_type'],
      ];
      for (const [i, [claims, want]] of cases.entries()) {
        as.opaqueTokens.set(`t-${i}`, { aud: RESOURCE, ...claims });
        assert.equal(await reason(h, `t-${i}`), want, JSON.stringify(claims));
      }
    } finally {
      await as.close();
    }
  });

  test('aud may be absent only when a single server trusts the issuer', async () => {
    const single = await setup((iss) => [{ id: 's', resource: RESOURCE, opaque_token_issuer: iss }]);
    try {
      single.as.opaqueTokens.set('no-aud', { sub: 'carol' });
      assert.equal(await reason(single.h, 'no-aud'), 'valid');
    } finally {
      await single.as.close();
    }

    const shared = await setup((iss) => [
      { id: 's', resource: RESOURCE, opaque_token_issuer: iss },
      { id: 'other', resource: OTHER, opaque_token_issuer: iss },
    ]);
    try {
      const { as, h, byId } = shared;
      as.opaqueTokens.set('no-aud', { sub: 'carol' });
      as.opaqueTokens.set('for-other', { sub: 'carol', aud: OTHER });
      assert.equal(await outcome(h, 'no-aud', byId('s')), 'audience_mismatch');
      assert.equal(await outcome(h, 'no-aud', byId('other')), 'audience_mismatch');
      const both = await h.validator.validateForServers('no-aud', [byId('s'), byId('other')]);
      assert.ok(!both.valid && both.reason === 'audience_mismatch');
      assert.equal(await outcome(h, 'for-other', byId('other')), 'valid');
      assert.equal(await outcome(h, 'for-other', byId('s')), 'audience_mismatch');
    } finally {
      await shared.as.close();
    }

    // A second server trusting the issuer for JWTs only is enough: its tokens could be the unnamed one.
    const jwtOnly = await setup((iss) => [
      { id: 's', resource: RESOURCE, opaque_token_issuer: iss },
      { id: 'other', resource: OTHER, issuers: [iss] },
    ]);
    try {
      jwtOnly.as.opaqueTokens.set('no-aud', { sub: 'carol' });
      assert.equal(await reason(jwtOnly.h, 'no-aud'), 'audience_mismatch');
    } finally {
      await jwtOnly.as.close();
    }
  });
});

test('the observer sees every outcome', async () => {
  const idp = await startIdentityProvider({ alg: 'RS256' });
  try {
    const h = harness({ issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri }], servers: [{ id: 's', resource: RESOURCE }] });
    await reason(h, await idp.sign({ aud: RESOURCE }));
    await reason(h, 'x'.repeat(20_000));
    assert.deepEqual(h.events.outcomes, ['valid', 'too_large']);
    assert.deepEqual(h.events.fetches, [{ ok: true, source: 'jwks' }]);
  } finally {
    await idp.close();
  }
});

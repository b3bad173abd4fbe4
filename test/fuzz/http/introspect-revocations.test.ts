// Fuzz of POST /oauth2/introspect (form bodies) and POST /v1/revocations (admin JSON bodies) through
// a real socket. Properties: never a 5xx; an active introspection answer only for a token jose accepts
// for a server the caller may ask about; an inactive one is exactly {"active":false}.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildToken, jsonJunk, tokenRecipeArb, wireArb, type TokenRecipe, type WireRecipe } from '../support/arbitraries.js';
import { verifiedClaims } from '../support/oracle.js';
import { rawRequest, wireRequest, type RawRequest } from '../support/raw-http.js';
import { counted, fuzzParameters } from '../support/settings.js';
import { basic, CALLERS, createFuzzKeys, ISSUER, NOW_MS, SERVERS, startFuzzService, type CallerName, type FuzzKeys, type FuzzService, type ServerId } from '../support/world.js';

let keys: FuzzKeys;
let svc: FuzzService;

before(async () => {
  keys = await createFuzzKeys();
  svc = await startFuzzService(keys);
});
after(() => svc.close());

interface IntrospectRecipe {
  token: TokenRecipe;
  audience: ServerId;
  caller: CallerName;
  server: string | undefined;
  hint: string | undefined;
  extra: [string, string][];
  form: 'form' | 'json' | 'raw';
  raw: string;
}

const introspectArb: fc.Arbitrary<IntrospectRecipe> = fc.record({
  token: tokenRecipeArb,
  audience: fc.constantFrom('files' as const, 'github' as const),
  caller: fc.constantFrom('files' as const, 'github' as const, 'both' as const, 'admin' as const),
  server: fc.option(fc.constantFrom('files', 'github', 'nope', ''), { nil: undefined }),
  hint: fc.option(fc.constantFrom('access_token', 'refresh_token', ''), { nil: undefined }),
  extra: fc.array(fc.tuple(fc.constantFrom('token', 'server', 'x', 'token[]', '__proto__'), fc.string({ maxLength: 8 })), { maxLength: 2 }),
  form: fc.oneof({ arbitrary: fc.constant('form' as const), weight: 8 }, fc.constant('json' as const), fc.constant('raw' as const)),
  raw: fc.string({ maxLength: 40 }),
});

/** The wire recipe's framing, with the body's own text and content type. */
function withBody(request: RawRequest, body: Buffer, contentType: string | undefined): RawRequest {
  const headers = request.headers.filter(([k]) => k !== 'content-type' && k !== 'content-length');
  if (contentType !== undefined) headers.push(['content-type', contentType]);
  return { ...request, headers: [...headers, ['content-length', String(body.length)]], body };
}

async function introspectOnce(recipe: IntrospectRecipe, wire: WireRecipe): Promise<void> {
  const token = await buildToken(keys, recipe.token, SERVERS[recipe.audience]);
  const fields: [string, string][] = [['token', token]];
  if (recipe.hint !== undefined) fields.push(['token_type_hint', recipe.hint]);
  if (recipe.server !== undefined) fields.push(['server', recipe.server]);
  fields.push(...recipe.extra);
  const authorization = wire.authorization === 'own' ? basic(recipe.caller) : undefined;
  let request: RawRequest;
  if (recipe.form === 'form' && wire.length === 'exact' && wire.encoding === 'none') {
    request = withBody(wireRequest(svc.port, '/oauth2/introspect', null, wire, authorization), Buffer.from(new URLSearchParams(fields).toString()), 'application/x-www-form-urlencoded');
  } else {
    request = wireRequest(svc.port, '/oauth2/introspect', recipe.form === 'raw' ? recipe.raw : Object.fromEntries(fields), wire, authorization);
  }
  const res = await rawRequest(request);
  assert.ok(res.status < 500, `status ${res.status}: ${res.body}`);
  if (res.status !== 200) return;
  const answer = JSON.parse(res.body) as { active: boolean };
  if (!answer.active) {
    assert.equal(res.body, '{"active":false}');
    return;
  }
  const asked = new URLSearchParams(fields).get('server') ?? undefined;
  // An admin caller may ask about every server.
  const mayAsk = recipe.caller === 'admin' ? Object.keys(SERVERS) : CALLERS[recipe.caller].servers as readonly string[];
  const servers = mayAsk.filter((s) => asked === undefined || s === asked) as ServerId[];
  const valid = await Promise.all(servers.map((s) => verifiedClaims(token, SERVERS[s], { issuer: ISSUER, algorithms: ['RS256', 'EdDSA'], keys: keys.jwks, nowMs: NOW_MS })));
  assert.ok(valid.some((c) => c !== undefined), `active for a token the oracle refuses for ${servers.join(',') || 'no server'}`);
}


test('introspection form bodies: no 5xx, active only when the oracle accepts the token', async () => {
  await fc.assert(fc.asyncProperty(introspectArb, wireArb, counted('introspect', introspectOnce)), fuzzParameters(200));
});

const revocationArb = fc.oneof(
  fc.record({ token: fc.oneof(fc.string({ maxLength: 30 }), jsonJunk), reason: fc.oneof(fc.string({ maxLength: 20 }), jsonJunk) }, { requiredKeys: ['token'] }),
  fc.record({
    iss: fc.oneof(fc.constantFrom(ISSUER, ''), jsonJunk),
    jti: fc.oneof(fc.uuid(), fc.constant(''), jsonJunk),
    exp: fc.oneof(fc.constantFrom(Math.floor(NOW_MS / 1000) + 60, -1, 0, 2 ** 53, 1.5, 1e308), jsonJunk),
    reason: fc.string({ maxLength: 600 }),
  }, { requiredKeys: ['iss', 'jti'] }),
  jsonJunk,
);

async function revokeOnce(body: unknown, wire: WireRecipe): Promise<void> {
  const authorization = wire.authorization === 'own' ? basic('admin') : wire.authorization === 'other' ? basic('files') : undefined;
  const res = await rawRequest(wireRequest(svc.port, '/v1/revocations', body, wire, authorization));
  assert.ok(res.status < 500, `status ${res.status}: ${res.body}`);
  if (res.status === 200) assert.equal((JSON.parse(res.body) as { revoked: unknown }).revoked, true);
}

test('revocation bodies: no 5xx', async () => {
  await fc.assert(fc.asyncProperty(revocationArb, wireArb, counted('revocations', revokeOnce)), fuzzParameters(200));
});

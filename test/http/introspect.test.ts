// POST /oauth2/introspect over real HTTP: valid tokens from three issuers (RS256, ES256, EdDSA),
// the RFC 7662 answer, and the attack table where every row answers exactly {"active":false}.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportSPKI, importJWK, type CryptoKey, type JWTPayload } from 'jose';
import request from 'supertest';
import { parse } from 'yaml';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { FILES_RESOURCE, GITHUB_RESOURCE, startWorld, type World } from '../support/world.js';

interface AttackRow {
  name: string;
  issuer?: 'rsa' | 'ec' | 'ed' | 'other';
  claims?: Record<string, unknown>;
  mutate?: string;
  raw?: string;
  caller?: 'github-mcp' | 'files-mcp';
  reason: string;
}

const ATTACKS = parse(readFileSync(new URL('./attacks.yaml', import.meta.url), 'utf8')) as AttackRow[];

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

let world: World;
let attacker: IdentityProvider;

before(async () => {
  world = await startWorld();
  attacker = await startIdentityProvider({ alg: 'RS256' });
});
after(async () => {
  await world.close();
  await attacker.close();
});

function credentials(caller: string): string {
  return caller === 'files-mcp' ? world.basic('files-mcp', world.secrets.files) : world.basic('github-mcp', world.secrets.github);
}

function introspect(token: string, caller = 'github-mcp'): request.Test {
  return request(world.service.app).post('/oauth2/introspect').set('authorization', credentials(caller)).type('form').send({ token });
}

function substitute(value: unknown): unknown {
  if (value === '{{17k}}') return 'x'.repeat(17_000);
  if (typeof value === 'string') {
    const m = /^\{\{(\w+)\}\}$/.exec(value);
    if (m) return (world[m[1] as 'ec'] as IdentityProvider).issuer;
  }
  return value;
}

function claimsOf(row: AttackRow): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { sub: 'alice', aud: GITHUB_RESOURCE, scope: 'mcp:read' };
  for (const [key, raw] of Object.entries(row.claims ?? {})) {
    const value = substitute(raw);
    if (key.endsWith('_in')) claims[key.slice(0, -3)] = now + Number(value);
    else claims[key] = value;
  }
  return claims as JWTPayload;
}

async function buildToken(row: AttackRow): Promise<string> {
  if (row.raw !== undefined) return row.raw;
  const idp = world[row.issuer ?? 'rsa'];
  const claims = claimsOf(row);
  const omit = Object.entries(claims).filter(([, v]) => v === null).map(([k]) => k);
  for (const k of omit) delete (claims as Record<string, unknown>)[k];
  const sign = async (signer: IdentityProvider, header?: Record<string, unknown>): Promise<string> => {
    const token = await signer.sign({ iss: idp.issuer, ...claims }, { header, omitExp: omit.includes('exp') });
    if (!omit.includes('iss')) return token;
    const [h, p, s] = token.split('.');
    const { iss: _iss, ...rest } = decodePart(p!);
    return `${h}.${b64(rest)}.${s}`;
  };
  const token = await sign(idp);
  const [h, p, s] = token.split('.') as [string, string, string];
  switch (row.mutate) {
    case undefined:
      return token;
    case 'alg_none':
      return `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    case 'hs256_with_public_key': {
      const jwk = world.rsa.keys[0]!.publicJwk;
      const pem = await exportSPKI(await importJWK(jwk, 'RS256', { extractable: true }) as CryptoKey);
      const head = b64({ alg: 'HS256', typ: 'JWT', kid: jwk.kid });
      return `${head}.${p}.${createHmac('sha256', pem).update(`${head}.${p}`).digest('base64url')}`;
    }
    case 'tamper_payload':
      return `${h}.${b64({ ...decodePart(p), sub: 'root', scope: 'mcp:admin' })}.${s}`;
    case 'tamper_signature': {
      const i = Math.floor(s.length / 2);
      return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    }
    case 'foreign_key':
      return sign(attacker, { kid: 'ghost' });
    case 'jku':
      return sign(attacker, { jku: attacker.jwksUri });
    case 'x5u':
      return sign(attacker, { x5u: `${attacker.origin}/cert.pem` });
    case 'embedded_jwk':
      return sign(attacker, { jwk: attacker.keys[0]!.publicJwk });
    default:
      throw new TypeError(`unknown mutation ${row.mutate}`);
  }
}

describe('valid tokens', () => {
  for (const name of ['rsa', 'ec', 'ed'] as const) {
    test(`${name} issuer token is active with the RFC 7662 members`, async () => {
      const idp = world[name];
      const token = await idp.sign({ sub: 'alice', aud: [GITHUB_RESOURCE, 'other'], scope: 'mcp:read mcp:write', client_id: 'claude', org: 'acme' });
      const res = await introspect(token).expect(200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.body.active, true);
      assert.equal(res.body.iss, idp.issuer);
      assert.equal(res.body.sub, 'alice');
      assert.equal(res.body.scope, 'mcp:read mcp:write');
      assert.equal(res.body.client_id, 'claude');
      assert.deepEqual(res.body.aud, [GITHUB_RESOURCE, 'other']);
      assert.equal(res.body.org, 'acme');
      assert.equal(res.body.token_type, 'Bearer');
      for (const k of ['exp', 'iat', 'jti']) assert.ok(res.body[k] !== undefined, k);
      const validate = world.service.deps.contract.schemaValidator('IntrospectionResponse');
      assert.ok(validate(res.body), JSON.stringify(validate.errors));
    });
  }

  test('scopes from an `scp` array and the client id from `azp`', async () => {
    const token = await world.rsa.sign({ aud: GITHUB_RESOURCE, scp: ['a', 'b'], azp: 'ide' });
    const res = await introspect(token).expect(200);
    assert.equal(res.body.scope, 'a b');
    assert.equal(res.body.client_id, 'ide');
  });

  test('an extra audience of a server makes the token valid for it', async () => {
    const token = await world.other.sign({ aud: 'files-api' });
    const res = await introspect(token, 'files-mcp').expect(200);
    assert.equal(res.body.active, true);
  });

  test('an admin API key may introspect for any server', async () => {
    const token = await world.ec.sign({ aud: FILES_RESOURCE });
    const res = await request(world.service.app).post('/oauth2/introspect').set('authorization', `Bearer ${world.secrets.admin}`).type('form').send({ token }).expect(200);
    assert.equal(res.body.active, true);
  });

  test('`server` narrows the question; a server the caller is not registered for is 403', async () => {
    const token = await world.rsa.sign({ aud: GITHUB_RESOURCE });
    const ok = await request(world.service.app).post('/oauth2/introspect').set('authorization', credentials('github-mcp')).type('form').send({ token, server: 'github' }).expect(200);
    assert.equal(ok.body.active, true);
    const res = await request(world.service.app).post('/oauth2/introspect').set('authorization', credentials('github-mcp')).type('form').send({ token, server: 'files' }).expect(403);
    assert.equal(res.body.code, 'server_not_allowed');
  });
});

describe('token check: the reason introspection keeps to itself', () => {
  test('a valid token answers valid with its subject', async () => {
    const token = await world.ec.sign({ sub: 'alice', aud: GITHUB_RESOURCE, scope: 'mcp:read', client_id: 'claude' });
    const res = await request(world.service.app).post('/v1/tokens/check').set('authorization', credentials('github-mcp')).send({ token, server: 'github' }).expect(200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body.valid, true);
    assert.deepEqual([res.body.subject.sub, res.body.subject.client_id, res.body.subject.issuer, res.body.subject.scopes], ['alice', 'claude', world.ec.issuer, ['mcp:read']]);
    const validate = world.service.deps.contract.schemaValidator('TokenCheckResponse');
    assert.ok(validate(res.body), JSON.stringify(validate.errors));
  });

  test('a token for another server is audience_mismatch; a server of another caller is 403', async () => {
    const token = await world.rsa.sign({ aud: FILES_RESOURCE });
    const res = await request(world.service.app).post('/v1/tokens/check').set('authorization', credentials('files-mcp')).send({ token: await world.rsa.sign({ aud: GITHUB_RESOURCE }), server: 'files' }).expect(200);
    assert.deepEqual(res.body, { valid: false, reason: 'audience_mismatch' });
    const denied = await request(world.service.app).post('/v1/tokens/check').set('authorization', credentials('github-mcp')).send({ token, server: 'files' }).expect(403);
    assert.equal(denied.body.code, 'server_not_allowed');
    await request(world.service.app).post('/v1/tokens/check').set('authorization', credentials('github-mcp')).send({ token }).expect(400);
    await request(world.service.app).post('/v1/tokens/check').send({ token, server: 'github' }).expect(401);
  });
});

describe('attack table: every row is exactly {"active":false}', () => {
  for (const row of ATTACKS) {
    test(row.name, async () => {
      const token = await buildToken(row);
      const caller = row.caller ?? 'github-mcp';
      const res = await introspect(token, caller).expect(200);
      assert.equal(res.text, '{"active":false}');
      const registry = world.service.deps.registry;
      const result = await world.service.deps.tokens.validateForServers(token, registry.serversOf(registry.callers.get(caller)!));
      assert.equal(result.valid, false);
      assert.equal(result.valid ? undefined : result.reason, row.reason);
      // The token check names the same reason, for the caller's own server.
      const server = caller === 'files-mcp' ? 'files' : 'github';
      const check = await request(world.service.app).post('/v1/tokens/check').set('authorization', credentials(caller)).send({ token, server }).expect(200);
      assert.deepEqual(check.body, { valid: false, reason: row.reason });
    });
  }

  test('header-supplied key locations were never fetched', () => {
    assert.equal(attacker.hits.size, 0);
  });
});

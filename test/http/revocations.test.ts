// POST /v1/revocations beyond the token's own spelling: a revocation by token also records the
// token's verified (iss, jti) until its verified exp plus the clock tolerance, and a revocation by
// (iss, jti) lasts as long as the issuer's tokens can (issuers[].max_token_lifetime), refusing
// an exp beyond that (revocations.cases.yaml).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parse } from 'yaml';
import { createSigningKey, startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { FILES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';

interface Row { name: string; iss?: 'other'; exp_in?: number | null; exp_ms?: boolean; status: number; code?: string; expires_in?: number }
const ROWS = parse(readFileSync(new URL('./revocations.cases.yaml', import.meta.url), 'utf8')) as Row[];
const LIFETIME = 3600;
const TOLERANCE = 30;

let idp: IdentityProvider;
let h: DecisionServiceHarness;

before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  h = await startDecisionService({
    idp,
    prefix: 'unused',
    config: { issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri, algorithms: ['RS256'], clock_tolerance: TOLERANCE, max_token_lifetime: LIFETIME }] },
  });
});
after(async () => {
  await h.close();
  await idp.close();
});

const nowS = (): number => Math.floor(Date.now() / 1000);
const revoke = (body: Record<string, unknown>) => request(h.service.app).post('/v1/revocations').set('authorization', h.auth('admin')).send(body);
const read = { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/a' } };
const decide = async (token: string) => (await h.decide({ token, server: 'files', action: read })).body as { outcome: string; reasons: string[] };
// The validator (revocation hook) or the decision service's own check: either refuses it as revoked.
const isRevoked = (d: { outcome: string; reasons: string[] }): boolean => d.outcome === 'invalid_token' && ['revoked', 'token_revoked'].includes(d.reasons[0]!);

describe('a revocation by token', () => {
  test('records the verified (iss, jti) until exp + clock tolerance: another token with that jti is refused', async () => {
    const exp = nowS() + 600;
    const token = await idp.sign({ aud: FILES, sub: 'alice', scope: 'mcp:read', jti: 'jti-by-token-1', exp });
    const twin = await idp.sign({ aud: FILES, sub: 'alice', scope: 'mcp:read', jti: 'jti-by-token-1', exp, note: 'minted again' });
    const other = await idp.sign({ aud: FILES, sub: 'alice', scope: 'mcp:read', jti: 'jti-by-token-2', exp });
    assert.equal((await decide(twin)).outcome, 'allow');
    const res = await revoke({ token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.iss, idp.issuer);
    assert.equal(res.body.jti, 'jti-by-token-1');
    assert.equal(res.body.expires_at, exp + TOLERANCE);
    assert.ok(isRevoked(await decide(twin)), 'the twin is revoked');
    assert.equal((await decide(other)).outcome, 'allow');
  });

  test('records no jti from a token that does not verify, and bounds its unverified exp', async () => {
    const stranger = await createSigningKey('RS256');
    const forged = await idp.sign({ aud: FILES, sub: 'mallory', jti: 'jti-forged-1', exp: nowS() + 10 * 86_400 }, { key: stranger });
    const genuine = await idp.sign({ aud: FILES, sub: 'bob', scope: 'mcp:read', jti: 'jti-forged-1' });
    const res = await revoke({ token: forged });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.jti, undefined);
    // Bounded by the longest lifetime of any issuer, never less than the default (opaque tokens have none).
    assert.ok(res.body.expires_at <= nowS() + 86_400 + TOLERANCE + 1, `expires_at ${res.body.expires_at} is bounded`);
    assert.equal((await decide(genuine)).outcome, 'allow');
  });

  test('a token whose exp is beyond max_token_lifetime is refused (a jti revocation could end before it)', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'carol', scope: 'mcp:read', exp: nowS() + LIFETIME + TOLERANCE + 60 });
    assert.deepEqual((await decide(token)).reasons, ['claim_invalid']);
  });
});

describe('a revocation by (iss, jti)', () => {
  ROWS.forEach((row, i) => {
    test(row.name, async () => {
      const now = nowS();
      const iss = row.iss === 'other' ? 'https://unconfigured.example' : idp.issuer;
      const exp = row.exp_ms ? (now + 600) * 1000 : row.exp_in === null || row.exp_in === undefined ? undefined : now + row.exp_in;
      const res = await revoke({ iss, jti: `jti-row-${i}`, ...(exp !== undefined ? { exp } : {}) });
      assert.equal(res.status, row.status, res.text);
      if (row.code !== undefined) {
        assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
        assert.equal(res.body.code, row.code);
        return;
      }
      const expiresIn = res.body.expires_at - now;
      assert.ok(Math.abs(expiresIn - row.expires_in!) <= 2, `expires in ${expiresIn} s, expected ${row.expires_in}`);
    });
  });

  test('a revoked jti is refused at once', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'dave', scope: 'mcp:read', jti: 'jti-direct' });
    assert.equal((await revoke({ iss: idp.issuer, jti: 'jti-direct' })).status, 200);
    assert.ok(isRevoked(await decide(token)));
  });
});

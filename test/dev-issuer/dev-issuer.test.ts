// The development issuer: its key folder (made once, private, git-ignored), the tokens it mints,
// and a service that trusts it only through the issuer entry it is given.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { pino } from 'pino';
import request from 'supertest';
import { hashSecret } from '../../service/src/callers/index.js';
import { resolveConfig } from '../../service/src/config/index.js';
import { DEV_ISSUER, DevKeyError, devIssuerConfig, loadDevKey, mintDevToken } from '../../service/src/dev-issuer/index.js';
import { createService } from '../../service/src/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESOURCE = 'https://files.mcp.test/mcp';
const dirs: string[] = [];

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-dev-issuer-'));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the development key', () => {
  test('is made on first use, private, git-ignored, and the same key afterwards', async () => {
    const cwd = scratch();
    const first = await loadDevKey(cwd);
    const file = join(cwd, '.mcp-authz/dev-issuer/private-key.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(cwd, '.mcp-authz/dev-issuer')).mode & 0o777, 0o700);
    assert.match(readFileSync(join(cwd, '.mcp-authz/.gitignore'), 'utf8'), /^\*$/m);
    const again = await loadDevKey(cwd);
    assert.equal(again.kid, first.kid);
    assert.deepEqual(again.publicJwk, first.publicJwk);
    assert.equal(first.publicJwk.d, undefined, 'the public JWK has no private part');
  });

  test('concurrent first uses agree on one key', async () => {
    const cwd = scratch();
    const keys = await Promise.all([loadDevKey(cwd), loadDevKey(cwd), loadDevKey(cwd)]);
    assert.equal(new Set(keys.map((k) => k.kid)).size, 1);
  });

  test('a key file that is not an Ed25519 private JWK is refused, naming the file', async () => {
    const cwd = scratch();
    await loadDevKey(cwd);
    const file = join(cwd, '.mcp-authz/dev-issuer/private-key.json');
    writeFileSync(file, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB' }));
    await assert.rejects(loadDevKey(cwd), (e: unknown) => e instanceof DevKeyError && e.message.includes(file));
  });
});

describe('development tokens', () => {
  test('carry the issuer, subject, audience, scopes, claims and lifetime asked for', async () => {
    const key = await loadDevKey(scratch());
    const token = await mintDevToken(key, {
      sub: 'carol', audiences: [RESOURCE], scopes: ['mcp:read', 'mcp:admin'], claims: { roles: ['admin'], org: 'acme' }, ttlSeconds: 900, now: 1_800_000_000,
    });
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' });
    const claims = decodeJwt(token);
    assert.equal(claims.iss, DEV_ISSUER);
    assert.equal(claims.sub, 'carol');
    assert.equal(claims.aud, RESOURCE);
    assert.equal(claims.scope, 'mcp:read mcp:admin');
    assert.deepEqual(claims.roles, ['admin']);
    assert.equal(claims.org, 'acme');
    assert.equal(claims.iat, 1_800_000_000);
    assert.equal(claims.exp, 1_800_000_900);
    assert.equal(typeof claims.jti, 'string');
  });

  test('reserved claims cannot be replaced through claims', async () => {
    const key = await loadDevKey(scratch());
    await assert.rejects(mintDevToken(key, { sub: 'a', audiences: [RESOURCE], scopes: [], claims: { iss: 'https://login.example' }, ttlSeconds: 60 }), /iss/);
  });
});

describe('a service given the development issuer entry', () => {
  const secret = 'files-mcp-secret-for-the-dev-issuer-test';
  async function decide(service: ReturnType<typeof createService>, token: string, tool: string, args: Record<string, unknown>) {
    const res = await request(service.app)
      .post('/v1/decisions')
      .auth('files-mcp', secret)
      .send({ token, server: 'files', action: { method: 'tools/call', tool, arguments: args } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { outcome: string; reasons: string[] };
  }

  test('decides on its tokens with the reference policy; tokens of another key are invalid', async () => {
    const key = await loadDevKey(scratch());
    const config = resolveConfig({
      logging: { level: 'silent' },
      policies: { dir: join(ROOT, 'policies'), watch: false },
      issuers: [devIssuerConfig(key)],
      servers: [{ id: 'files', resource: RESOURCE }],
      callers: [{ id: 'files-mcp', secret_hashes: [hashSecret(secret)], servers: ['files'] }],
    });
    const service = createService({ config, logger: pino({ level: 'silent' }) });
    await service.start();
    try {
      const reader = await mintDevToken(key, { sub: 'bob', audiences: [RESOURCE], scopes: ['mcp:read'], ttlSeconds: 60 });
      assert.equal((await decide(service, reader, 'read_file', { path: '/workspace/a.txt' })).outcome, 'allow');
      assert.equal((await decide(service, reader, 'write_file', { path: '/workspace/a.txt', content: '' })).outcome, 'deny');
      const admin = await mintDevToken(key, { sub: 'carol', audiences: [RESOURCE], scopes: ['mcp:admin'], claims: { roles: ['admin'] }, ttlSeconds: 60 });
      assert.equal((await decide(service, admin, 'run_backup', {})).outcome, 'allow');
      const otherAudience = await mintDevToken(key, { sub: 'bob', audiences: ['https://other.test/mcp'], scopes: ['mcp:read'], ttlSeconds: 60 });
      assert.equal((await decide(service, otherAudience, 'read_file', { path: '/workspace/a.txt' })).outcome, 'invalid_token');
      const stranger = await mintDevToken(await loadDevKey(scratch()), { sub: 'bob', audiences: [RESOURCE], scopes: ['mcp:read'], ttlSeconds: 60 });
      assert.equal((await decide(service, stranger, 'read_file', { path: '/workspace/a.txt' })).outcome, 'invalid_token');
    } finally {
      await service.close();
    }
  });
});

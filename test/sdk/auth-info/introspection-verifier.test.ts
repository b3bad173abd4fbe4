// AuthInfo mapping, and the introspection verifier plugged into the MCP SDK's own requireBearerAuth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { requireBearerAuth as requireBearerAuthV2 } from '@modelcontextprotocol/express';
import { OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import { createAuthzClient, createIntrospectionVerifier, decisionToAuthInfo, type AuthzClient } from '@mcp-authz/sdk';
import { startFakeAuthzService, type FakeAuthzService } from '../support/fake-authz-service.js';

const exp = Math.floor(Date.now() / 1000) + 3600;

test('decisionToAuthInfo maps the subject onto AuthInfo', () => {
  const info = decisionToAuthInfo('tok', {
    decision_id: 'd1', outcome: 'allow', allow: true, reasons: [], policy_revision: 'r1',
    subject: { sub: 'alice', client_id: 'app', issuer: 'https://issuer.test', scopes: ['mcp:read'], exp },
  }, new URL('https://mcp.example.com/mcp'));
  assert.deepEqual(info, {
    token: 'tok', clientId: 'app', scopes: ['mcp:read'], expiresAt: exp, resource: new URL('https://mcp.example.com/mcp'),
    extra: { sub: 'alice', issuer: 'https://issuer.test', decisionId: 'd1', policyRevision: 'r1' },
  });
});

describe('createIntrospectionVerifier with MCP SDK v2\'s requireBearerAuth', () => {
  let service: FakeAuthzService;
  let client: AuthzClient;
  let server: http.Server;
  let url: string;

  before(async () => {
    service = await startFakeAuthzService({ alice: { sub: 'alice', scopes: ['mcp:read'], server: 'files', exp } }, ['Bearer key-1']);
    client = createAuthzClient({ url: service.url, apiKey: 'key-1' });
    const app = express();
    app.get('/mcp', requireBearerAuthV2({
      verifier: createIntrospectionVerifier({ client, server: 'files', invalidTokenError: (message) => new OAuthError(OAuthErrorCode.InvalidToken, message) }),
      resourceMetadataUrl: 'http://resource.test/.well-known/oauth-protected-resource/files',
    }), (req, res) => res.json({ sub: (req as { auth?: { extra?: { sub?: string } } }).auth?.extra?.sub }));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  after(async () => {
    client.close();
    server.close();
    await service.close();
  });

  test('an active token passes; an inactive one is 401 invalid_token, not 500', async () => {
    const ok = await fetch(url, { headers: { authorization: 'Bearer alice' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { sub: 'alice' });
    const refused = await fetch(url, { headers: { authorization: 'Bearer nobody' } });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /invalid_token/);
  });
});

describe('createIntrospectionVerifier with requireBearerAuth', () => {
  let service: FakeAuthzService;
  let client: AuthzClient;
  let server: http.Server;
  let url: string;

  before(async () => {
    service = await startFakeAuthzService({
      alice: { sub: 'alice', scopes: ['mcp:read'], roles: ['viewer'], server: 'files', exp },
      other: { sub: 'alice', scopes: ['mcp:read'], server: 'github', exp },
    }, ['Bearer key-1']);
    client = createAuthzClient({ url: service.url, apiKey: 'key-1' });
    const app = express();
    app.get('/mcp', requireBearerAuth({
      verifier: createIntrospectionVerifier({ client, server: 'files', audiences: ['http://resource.test/files'] }),
      resourceMetadataUrl: 'http://resource.test/.well-known/oauth-protected-resource/files',
    }), (req, res) => res.json(req.auth));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  after(async () => {
    client.close();
    server.close();
    await service.close();
  });

  test('an active token becomes req.auth', async () => {
    const res = await fetch(url, { headers: { authorization: 'Bearer alice' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      token: 'alice', clientId: 'alice-app', scopes: ['mcp:read'], expiresAt: exp, resource: 'http://resource.test/files',
      extra: { sub: 'alice', iss: 'https://issuer.test', roles: ['viewer'], aud: ['http://resource.test/files'] },
    });
  });

  test('an inactive token or one for another server → 401 with resource_metadata', async () => {
    for (const token of ['nobody', 'other']) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token".*resource_metadata="http:\/\/resource\.test\/\.well-known\/oauth-protected-resource\/files"/);
    }
  });

  test('the audience is also checked locally when given', async () => {
    const strict = createIntrospectionVerifier({ client, audiences: ['https://elsewhere.test/mcp'] });
    await assert.rejects(strict.verifyAccessToken('alice'), /not issued for this resource/);
  });
});

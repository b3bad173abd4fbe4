// RFC 9728 metadata: both well-known forms, the URL derivation, and pass-through of other paths.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from '@mcp-authz/sdk';

describe('protectedResourceMetadata', () => {
  let server: http.Server;
  let origin: string;
  const expected = {
    resource: 'https://mcp.example.com/mcp',
    authorization_servers: ['https://login.example.com'],
    scopes_supported: ['mcp:read', 'mcp:write'],
    bearer_methods_supported: ['header'],
  };

  before(async () => {
    const app = express();
    app.use(protectedResourceMetadata({
      resource: expected.resource, authorizationServers: expected.authorization_servers, scopesSupported: expected.scopes_supported,
    }));
    app.get('/other', (_req, res) => res.send('other'));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    test(`GET ${path} answers the metadata`, async () => {
      const res = await fetch(origin + path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), expected);
    });
  }

  test('other paths and methods', async () => {
    assert.equal(await (await fetch(`${origin}/other`)).text(), 'other');
    assert.equal((await fetch(`${origin}/.well-known/oauth-protected-resource/elsewhere`)).status, 404);
    assert.equal((await fetch(`${origin}/.well-known/oauth-protected-resource`, { method: 'POST' })).status, 405);
  });

  test('bad options are TypeErrors', () => {
    assert.throws(() => protectedResourceMetadata({ resource: 'relative/path', authorizationServers: ['https://a'] }), TypeError);
    assert.throws(() => protectedResourceMetadata({ resource: 'https://a/mcp', authorizationServers: [] }), TypeError);
  });
});

test('protectedResourceMetadataUrl inserts the well-known prefix before the path', () => {
  assert.equal(protectedResourceMetadataUrl('https://mcp.example.com/mcp'), 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
  assert.equal(protectedResourceMetadataUrl('https://mcp.example.com/'), 'https://mcp.example.com/.well-known/oauth-protected-resource');
  assert.equal(protectedResourceMetadataUrl('http://127.0.0.1:3000/a/b/'), 'http://127.0.0.1:3000/.well-known/oauth-protected-resource/a/b');
});

// Client ID metadata documents on the built-in authorization server: a client whose client_id is
// the HTTPS URL of its metadata document runs the code flow with PKCE (openid-client) without
// registering, and its access token gets decisions; a document that names another client_id is
// refused. The document is served by a real HTTP server; only the name `ide.example.test` is routed
// to it by the service's injectable fetch (this machine has no such DNS name or certificate).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { hashSecret } from '../../service/src/callers/secrets.js';
import type { FetchLike } from '../../service/src/tokens/index.js';
import { runCodeFlow } from './support/code-flow.js';
import { startAuthorizationServer, type AsHarness } from './support/harness.js';

const HOST = 'ide.example.test';
const resource = 'https://files.example.test/mcp';
const redirectUri = 'http://127.0.0.1:53683/callback';
const alice = { username: 'alice', password: 'correct horse battery staple', scopes: ['mcp:read'] };
const callerSecret = randomBytes(24).toString('base64url');
const insecure = { execute: [client.allowInsecureRequests] };

/** Metadata documents by path; each names its own URL as client_id unless a test says otherwise. */
const documents = new Map<string, Record<string, unknown>>();
const documentFor = (path: string, clientId = `https://${HOST}${path}`): Record<string, unknown> => ({
  client_id: clientId,
  client_name: 'Test IDE',
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
});

let host: http.Server;
let hostUrl: string;
let fetched: string[];
let as: AsHarness;

/** The service's fetch: requests for HOST go to the local document server, everything else as is. */
const routedFetch: FetchLike = (input, init) => {
  const url = new URL(input);
  if (url.hostname !== HOST) return fetch(input, init);
  // oidc-provider's own dispatcher refuses loopback addresses; the local host is the stand-in here.
  const { dispatcher: _dispatcher, ...rest } = init as RequestInit & { dispatcher?: unknown };
  return fetch(`${hostUrl}${url.pathname}`, rest);
};

before(async () => {
  fetched = [];
  host = http.createServer((req, res) => {
    fetched.push(req.url ?? '');
    const doc = documents.get(req.url ?? '');
    if (doc === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  as = await startAuthorizationServer({
    suite: 'oauth-cimd',
    users: [alice],
    config: {
      servers: [{ id: 'files', resource }],
      callers: [{ id: 'files-mcp', secret_hashes: [hashSecret(callerSecret)], servers: ['files'] }],
    },
    oauth: { client_id_metadata_documents: { enabled: true } },
    fetch: routedFetch,
  });
});

after(async () => {
  await as?.close();
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

async function codeFlow(clientId: string) {
  const config = await client.discovery(new URL(as.url), clientId, { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }, client.None(), insecure);
  return runCodeFlow(config, { redirectUri, scope: 'mcp:read', resource, user: alice });
}

describe('client ID metadata documents', () => {
  test('a URL client_id runs the code flow unregistered, and its token gets decisions', async () => {
    const path = '/clients/ide.json';
    documents.set(path, documentFor(path));
    const clientId = `https://${HOST}${path}`;
    const tokens = await codeFlow(clientId);
    assert.ok(fetched.includes(path), 'the service fetched the metadata document');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.client_id, clientId);
    assert.equal(claims.aud, resource);
    const res = await fetch(`${as.url}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`files-mcp:${callerSecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokens.access_token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/README.md' } } }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 200);
    assert.equal(body.outcome, 'allow');
    assert.equal((body.subject as Record<string, unknown>).client_id, clientId);
  });

  test('a document that names another client_id is refused', async () => {
    const path = '/clients/impostor.json';
    documents.set(path, documentFor(path, `https://${HOST}/clients/ide.json`));
    await assert.rejects(codeFlow(`https://${HOST}${path}`), /invalid_client_metadata: client_id metadata document client_id does not match/);
  });

  test('a document that is not there is refused', async () => {
    await assert.rejects(codeFlow(`https://${HOST}/clients/missing.json`), /invalid_client: client_id metadata document fetch failed/);
    assert.ok(fetched.includes('/clients/missing.json'));
  });
});

// The built-in authorization server with real clients (openid-client): discovery + client
// credentials, and discovery + registration + authorization code with PKCE (login and consent
// driven over HTTP) + refresh + revocation, observed through the service's introspection and
// decisions. Real Redis under a per-run prefix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { Browser } from './support/browser.js';
import { runCodeFlow } from './support/code-flow.js';
import { startAuthorizationServer, type AsHarness } from './support/harness.js';

const resource = 'https://files.example.test/mcp';
const otherResource = 'https://github.example.test/mcp';
const callerSecret = randomBytes(24).toString('base64url');
const machineSecret = randomBytes(24).toString('base64url');
const redirectUri = 'http://127.0.0.1:53682/callback';
const alice = { username: 'alice', password: 'correct horse battery staple', scopes: ['mcp:read', 'mcp:write'] };

let as: AsHarness;
let decisionsSkip: string | false = false;

const callerAuth = `Basic ${Buffer.from(`files-mcp:${callerSecret}`).toString('base64')}`;

async function introspect(token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${as.url}/oauth2/introspect`, {
    method: 'POST',
    headers: { authorization: callerAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, server: 'files' }).toString(),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

async function decide(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${as.url}/v1/decisions`, {
    method: 'POST',
    headers: { authorization: callerAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/README.md' } } }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const insecure = { execute: [client.allowInsecureRequests], algorithm: 'oauth2' as const };

async function registerPublicClient(): Promise<client.Configuration> {
  return client.dynamicClientRegistration(new URL(as.url), {
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    client_name: 'Test IDE',
  }, client.None(), insecure);
}

/** Runs the code flow for a fresh public client; returns the token response. */
function codeFlow(config: client.Configuration) {
  return runCodeFlow(config, { redirectUri, scope: 'mcp:read mcp:write', resource, user: alice });
}

before(async () => {
  as = await startAuthorizationServer({
    suite: 'oauth-built-in',
    users: [{ ...alice, claims: { roles: ['admin'] } }],
    config: {
      servers: [{ id: 'files', resource }, { id: 'github', resource: otherResource }],
      callers: [{ id: 'files-mcp', secret_hashes: [hashSecret(callerSecret)], servers: ['files'] }],
    },
    oauth: { clients: [{ client_id: 'machine', client_secret: machineSecret, scope: 'mcp:read' }] },
  });
  const probe = await decide('x');
  if (probe.status === 404) decisionsSkip = 'POST /v1/decisions is not wired into the service yet';
});

after(async () => {
  await as?.close();
});

describe('built-in authorization server', () => {
  test('RFC 8414 metadata names the DESIGN.md endpoints and S256 only', async () => {
    const res = await fetch(`${as.url}/.well-known/oauth-authorization-server`);
    const meta = (await res.json()) as Record<string, unknown>;
    assert.equal(meta.issuer, as.url);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.equal(meta.authorization_endpoint, `${as.url}/oauth2/authorize`);
    assert.equal(meta.token_endpoint, `${as.url}/oauth2/token`);
    assert.equal(meta.registration_endpoint, `${as.url}/oauth2/register`);
    assert.equal(meta.revocation_endpoint, `${as.url}/oauth2/revoke`);
    assert.equal(meta.jwks_uri, `${as.url}/oauth2/jwks`);
    assert.deepEqual(meta.response_types_supported, ['code']);
  });

  test('openid-client: discovery + client credentials → an RFC 9068 JWT for the resource, accepted by the service', async () => {
    const config = await client.discovery(new URL(as.url), 'machine', undefined, client.ClientSecretBasic(machineSecret), insecure);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'mcp:read', resource });
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.aud, resource);
    assert.equal(claims.client_id, 'machine');
    assert.equal(claims.iss, as.url);
    const answer = await introspect(tokens.access_token);
    assert.equal(answer.active, true);
    assert.equal(answer.client_id, 'machine');
    assert.equal(answer.scope, 'mcp:read');
  });

  test('client credentials for a resource that is not a registered server → invalid_target', async () => {
    const config = await client.discovery(new URL(as.url), 'machine', undefined, client.ClientSecretBasic(machineSecret), insecure);
    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'mcp:read', resource: 'https://unknown.example.test/mcp' }), (err: client.ResponseBodyError) => err.error === 'invalid_target');
  });

  test('openid-client: registration + code + PKCE + refresh + revocation; the revoked grant is invalid_token everywhere', async () => {
    const config = await registerPublicClient();
    const first = await codeFlow(config);
    const claims = decodeJwt(first.access_token);
    assert.equal(claims.aud, resource);
    assert.equal(claims.sub, 'alice');
    assert.deepEqual(claims.roles, ['admin']);
    assert.equal(decodeProtectedHeader(first.access_token).typ, 'at+jwt');
    assert.ok(first.refresh_token);
    assert.equal((await introspect(first.access_token)).active, true);

    const refreshed = await client.refreshTokenGrant(config, first.refresh_token, { resource });
    assert.notEqual(refreshed.refresh_token, first.refresh_token, 'refresh tokens rotate');
    assert.equal(decodeJwt(refreshed.access_token).aud, resource);
    assert.equal((await introspect(refreshed.access_token)).active, true);
    if (!decisionsSkip) assert.notEqual((await decide(refreshed.access_token)).body.outcome, 'invalid_token');

    await client.tokenRevocation(config, refreshed.refresh_token!, { token_type_hint: 'refresh_token' });
    for (const token of [first.access_token, refreshed.access_token]) {
      assert.deepEqual(await introspect(token), { active: false });
    }
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token!, { resource }), (err: client.ResponseBodyError) => err.error === 'invalid_grant');
    assert.ok(as.logs.some((l) => l.audit === 'grant.revoked' && l.reason === 'revocation'));
    assert.ok(as.logs.some((l) => l.audit === 'login.succeeded' && l.sub === 'alice'));
    assert.ok(as.logs.some((l) => l.audit === 'consent.granted'));
    assert.ok(as.logs.some((l) => l.audit === 'client.registered'));
  });

  test('/v1/decisions answers invalid_token for the access token of a revoked grant', { skip: decisionsSkip }, async (t) => {
    if (decisionsSkip) return t.skip(decisionsSkip);
    const config = await registerPublicClient();
    const tokens = await codeFlow(config);
    assert.notEqual((await decide(tokens.access_token)).body.outcome, 'invalid_token');
    await client.tokenRevocation(config, tokens.refresh_token!);
    const after = await decide(tokens.access_token);
    assert.equal(after.status, 200);
    assert.equal(after.body.outcome, 'invalid_token');
  });

  test('RFC 7009 revocation of the JWT access token itself', async () => {
    const config = await registerPublicClient();
    const tokens = await codeFlow(config);
    assert.equal((await introspect(tokens.access_token)).active, true);
    await client.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' });
    assert.deepEqual(await introspect(tokens.access_token), { active: false });
  });

  test('the login and consent pages refuse framing and forged posts', async () => {
    const config = await registerPublicClient();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'mcp:read', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', resource });
    const browser = new Browser();
    const page = await browser.navigate(url.href, redirectUri);
    assert.ok('html' in page);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(page.html, /<label for="username">/);
    const action = new URL(/action="([^"]+\/login)"/.exec(page.html)![1]!, page.url).href;
    const forged = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: 'forged', ...alice }).toString(),
    });
    assert.equal(forged.status, 403);
    const wrong = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(page.html)![1]!, username: 'mallory', password: 'not-the-password' }).toString(),
    });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /role="alert"/);
  });
});

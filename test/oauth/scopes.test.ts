// The built-in authorization server grants only what is offered, what the client may have and what
// the user may grant (requested ∩ client ∩ user), at consent, code redemption and refresh alike;
// its consent page names the host the browser will be sent back to.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { createFileUserStore } from '../../service/src/oauth/index.js';
import { consentPage } from '../../service/src/oauth/pages.js';
import { grantableScopes } from '../../service/src/oauth/scopes.js';
import { Browser, formsOf, type Page } from './support/browser.js';
import { startAuthorizationServer, type AsHarness } from './support/harness.js';

const resource = 'https://files.example.test/mcp';
const redirectUri = 'http://127.0.0.1:53683/callback';
const alice = { username: 'alice', password: 'correct horse battery staple', scopes: ['mcp:read', 'mcp:write'] };
const bob = { username: 'bob', password: 'another long password' };
const insecure = { execute: [client.allowInsecureRequests], algorithm: 'oauth2' as const };

let as: AsHarness;

before(async () => {
  as = await startAuthorizationServer({
    suite: 'oauth-scopes',
    users: [alice, bob],
    config: { servers: [{ id: 'files', resource }] },
  });
});

after(async () => {
  await as?.close();
});

function register(scope?: string): Promise<client.Configuration> {
  return client.dynamicClientRegistration(new URL(as.url), {
    redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    token_endpoint_auth_method: 'none', client_name: 'Scoped IDE', ...(scope !== undefined ? { scope } : {}),
  }, client.None(), insecure);
}

function isPage(p: Page | { redirect: string }): p is Page {
  return 'html' in p;
}

/** Runs the code flow, keeping the consent page's HTML. */
async function flow(config: client.Configuration, scope: string, user: { username: string; password: string }) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, resource, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const browser = new Browser();
  const login = await browser.navigate(url.href, redirectUri);
  assert.ok(isPage(login));
  const consent = await browser.submit(login, formsOf(login.html).find((f) => f.action.endsWith('/login'))!, { username: user.username, password: user.password }, redirectUri);
  assert.ok(isPage(consent), 'a consent page follows the login');
  const done = await browser.submit(consent, formsOf(consent.html).find((f) => f.action.endsWith('/confirm'))!, {}, redirectUri);
  assert.ok(!isPage(done), 'consent finishes the flow');
  const callback = new URL(done.redirect);
  const tokens = callback.searchParams.has('code')
    ? await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, { resource })
    : undefined;
  return { tokens, callback, consentHtml: consent.html };
}

const scopesOf = (token: string): string[] => (decodeJwt(token).scope as string | undefined)?.split(' ') ?? [];

describe('granted scopes', () => {
  test('a user grants only their own scopes; the consent page asks for no more and names the redirect host', async () => {
    const { tokens, consentHtml } = await flow(await register(), 'mcp:read mcp:write mcp:admin', alice);
    assert.deepEqual(scopesOf(tokens!.access_token), ['mcp:read', 'mcp:write']);
    assert.match(consentHtml, /<code>mcp:write<\/code>/);
    assert.doesNotMatch(consentHtml, /mcp:admin/);
    assert.match(consentHtml, /sent to <strong>127\.0\.0\.1:53683<\/strong>/);
  });

  test('the client\'s registered scope limits it too (requested ∩ client ∩ user)', async () => {
    const { tokens } = await flow(await register('mcp:read mcp:admin'), 'mcp:read mcp:admin', alice);
    assert.deepEqual(scopesOf(tokens!.access_token), ['mcp:read']);
  });

  test('a user without scopes gets oauth.default_user_scopes, by default none: the client is denied', async () => {
    const { tokens, callback, consentHtml } = await flow(await register(), 'mcp:read mcp:write', bob);
    assert.match(consentHtml, /no additional permissions/);
    assert.equal(tokens, undefined);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
  });

  test('a refresh grants no more than the user may grant now', async () => {
    const config = await register();
    const { tokens } = await flow(config, 'mcp:read mcp:write', alice);
    assert.deepEqual(scopesOf(tokens!.access_token), ['mcp:read', 'mcp:write']);
    const users = createFileUserStore(as.usersFile);
    const current = (await users.find('alice'))!;
    await users.put({ ...current, scopes: ['mcp:read'] });
    try {
      const refreshed = await client.refreshTokenGrant(config, tokens!.refresh_token!, { resource });
      assert.deepEqual(scopesOf(refreshed.access_token), ['mcp:read']);
    } finally {
      await users.put(current);
    }
  });
});

describe('grantableScopes', () => {
  const oauth = { scopes: ['a', 'b', 'c'], default_user_scopes: ['a'] };
  test('intersects offered, client and user scopes; a vanished user grants nothing', () => {
    assert.deepEqual(grantableScopes(oauth, {}), ['a', 'b', 'c']);
    assert.deepEqual(grantableScopes(oauth, { clientScope: 'c b z' }), ['b', 'c']);
    assert.deepEqual(grantableScopes(oauth, { clientScope: 'b c', user: { username: 'u', sub: 'u', password_hash: 'x', scopes: ['c', 'z'] } }), ['c']);
    assert.deepEqual(grantableScopes(oauth, { user: { username: 'u', sub: 'u', password_hash: 'x' } }), ['a']);
    assert.deepEqual(grantableScopes(oauth, { user: null }), []);
  });
});

test('the consent page escapes the redirect host', () => {
  const page = consentPage({ action: '/a', abortAction: '/b', csrf: 'c', clientName: 'n', account: 'u', scopes: [], resources: [], redirectHost: '<evil>&"' });
  assert.match(page.body, /<strong>&#60;evil&#62;&#38;&#34;<\/strong>/);
});

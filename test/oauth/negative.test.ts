// The negative table (negative.cases.yaml): PKCE, redirect URI, code and refresh-token reuse (which
// revoke the grant, seen through /v1/decisions), client authentication, expiry, resources and the
// registration policy, each refused with its RFC error code. Raw HTTP, so the exact answers show.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { authorizeInBrowser, Browser } from './support/browser.js';
import { startAuthorizationServer, type AsHarness } from './support/harness.js';

interface Case {
  name: string;
  case: string;
  status?: number;
  error: string;
  revokes?: boolean;
}

const cases = parse(readFileSync(new URL('./negative.cases.yaml', import.meta.url), 'utf8')) as Case[];
const resource = 'https://files.example.test/mcp';
const callerSecret = randomBytes(24).toString('base64url');
const machineSecret = randomBytes(24).toString('base64url');
const redirectUri = 'http://127.0.0.1:53684/cb';
const alice = { username: 'alice', password: 'correct horse battery staple', scopes: ['mcp:read'] };

let as: AsHarness;
let shortCodes: AsHarness;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const verifierPair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

async function register(server: AsHarness, metadata: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${server.url}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function token(server: AsHarness, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Registers a public client and runs login + consent; returns the redirect back to the client. */
async function authorize(server: AsHarness, extra: Record<string, string> = {}, withPkce = true) {
  const client = await register(server, { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
  const clientId = client.body.client_id as string;
  const pkce = verifierPair();
  const url = new URL(`${server.url}/oauth2/authorize`);
  const params: Record<string, string> = { client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'mcp:read', resource, state: 's', ...extra };
  if (withPkce) Object.assign(params, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const callback = await authorizeInBrowser(new Browser(), url.href, redirectUri, alice);
  return { clientId, verifier: pkce.verifier, callback, code: callback.searchParams.get('code') ?? '' };
}

function exchange(server: AsHarness, flow: { clientId: string; verifier: string; code: string }, overrides: Record<string, string | undefined> = {}): Promise<Answer> {
  const params: Record<string, string | undefined> = { grant_type: 'authorization_code', client_id: flow.clientId, code: flow.code, redirect_uri: redirectUri, code_verifier: flow.verifier, resource, ...overrides };
  return token(server, Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)));
}

async function outcome(accessToken: string): Promise<unknown> {
  const res = await fetch(`${as.url}/v1/decisions`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`files-mcp:${callerSecret}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token: accessToken, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/README.md' } } }),
  });
  if (res.status === 404) {
    // The decisions route is another part's work; introspection shows the same revocation meanwhile.
    const intro = await fetch(`${as.url}/oauth2/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`files-mcp:${callerSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: accessToken, server: 'files' }).toString(),
    });
    return ((await intro.json()) as { active: boolean }).active ? 'active' : 'invalid_token';
  }
  return ((await res.json()) as { outcome: string }).outcome;
}

/** Each case returns the refused answer and the access tokens that must now be invalid. */
const RUN: Record<string, () => Promise<{ answer: Answer | { error: string | null; status?: undefined }; issued?: string[] }>> = {
  async pkce_missing() {
    return { answer: await exchange(as, await authorize(as), { code_verifier: undefined }) };
  },
  async pkce_wrong() {
    return { answer: await exchange(as, await authorize(as), { code_verifier: verifierPair().verifier }) };
  },
  async redirect_mismatch() {
    return { answer: await exchange(as, await authorize(as), { redirect_uri: 'http://127.0.0.1:53684/other' }) };
  },
  async code_reused() {
    const flow = await authorize(as);
    const first = await exchange(as, flow);
    assert.equal(first.status, 200);
    const access = first.body.access_token as string;
    assert.notEqual(await outcome(access), 'invalid_token');
    return { answer: await exchange(as, flow), issued: [access] };
  },
  async refresh_reused() {
    const flow = await authorize(as);
    const first = await exchange(as, flow);
    const refresh = first.body.refresh_token as string;
    const second = await token(as, { grant_type: 'refresh_token', client_id: flow.clientId, refresh_token: refresh, resource });
    assert.equal(second.status, 200);
    return { answer: await token(as, { grant_type: 'refresh_token', client_id: flow.clientId, refresh_token: refresh, resource }), issued: [first.body.access_token as string, second.body.access_token as string] };
  },
  async wrong_secret() {
    return { answer: await token(as, { grant_type: 'client_credentials', scope: 'mcp:read', resource }, { authorization: `Basic ${Buffer.from('machine:not-the-secret').toString('base64')}` }) };
  },
  async code_expired() {
    const flow = await authorize(shortCodes);
    // The code lives one second (oauth.ttl.authorization_code_seconds: 1 on this instance).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    return { answer: await exchange(shortCodes, flow) };
  },
  async unknown_resource() {
    const client = await register(as, { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' });
    const url = new URL(`${as.url}/oauth2/authorize`);
    const { challenge } = verifierPair();
    for (const [k, v] of Object.entries({ client_id: client.body.client_id as string, response_type: 'code', redirect_uri: redirectUri, scope: 'mcp:read', resource: 'https://unknown.example.test/mcp', code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
    const back = await new Browser().navigate(url.href, redirectUri);
    assert.ok('redirect' in back);
    return { answer: { error: new URL(back.redirect).searchParams.get('error') } };
  },
  async pkce_absent_at_authorization() {
    const client = await register(as, { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' });
    const url = new URL(`${as.url}/oauth2/authorize`);
    for (const [k, v] of Object.entries({ client_id: client.body.client_id as string, response_type: 'code', redirect_uri: redirectUri, scope: 'mcp:read', resource })) url.searchParams.set(k, v);
    const back = await new Browser().navigate(url.href, redirectUri);
    assert.ok('redirect' in back);
    return { answer: { error: new URL(back.redirect).searchParams.get('error') } };
  },
  register_http_redirect: async () => ({ answer: await register(as, { redirect_uris: ['http://client.example.test/cb'], token_endpoint_auth_method: 'none' }) }),
  register_custom_scheme: async () => ({ answer: await register(as, { redirect_uris: ['myapp://callback'], token_endpoint_auth_method: 'none' }) }),
  register_client_credentials: async () => ({ answer: await register(as, { grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' }) }),
};

before(async () => {
  const common = {
    users: [alice],
    config: {
      servers: [{ id: 'files', resource }],
      callers: [{ id: 'files-mcp', secret_hashes: [hashSecret(callerSecret)], servers: ['files'] }],
    },
  };
  as = await startAuthorizationServer({ suite: 'oauth-negative', ...common, oauth: { clients: [{ client_id: 'machine', client_secret: machineSecret }] } });
  shortCodes = await startAuthorizationServer({ suite: 'oauth-negative-expiry', ...common, oauth: { ttl: { authorization_code_seconds: 1 } } });
});

after(async () => {
  await as?.close();
  await shortCodes?.close();
});

describe('refused requests of the built-in authorization server', () => {
  test('every case in the table has a runner', () => {
    assert.deepEqual(cases.map((c) => c.case).filter((c) => RUN[c] === undefined), []);
  });
  for (const c of cases) {
    test(c.name, async () => {
      const { answer, issued } = await RUN[c.case]!();
      if (c.status !== undefined) assert.equal(answer.status, c.status);
      const error = 'body' in answer ? answer.body.error : answer.error;
      assert.equal(error, c.error);
      if (c.revokes) {
        assert.ok(issued !== undefined && issued.length > 0);
        for (const access of issued) assert.equal(await outcome(access), 'invalid_token');
      }
    });
  }
});

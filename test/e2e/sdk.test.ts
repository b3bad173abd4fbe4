// End to end: the real service (real Redis, reference policies, a test issuer), the example MCP server
// protected by the SDK, and the official MCP client. Skips itself while the service has no decisions route.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { AUTHZ_DENIED_CODE, AUTHZ_UNAVAILABLE_CODE, INTERNAL_ERROR_CODE, INVALID_PARAMS_CODE } from '@mcp-authz/sdk';
import { startIdentityProvider } from '../support/identity-provider.js';
import { createServiceWorkDir, freeLocalUrl, spawnService } from '../support/service-process.js';
import { startExample } from '../sdk/support/example-harness.js';
import { SHARED_REDIS_URL as redisUrl, deleteKeys } from '../store/redis-helpers.js';

const prefix = `mcp-authz-test:${process.env.MCP_AUTHZ_TEST_RUN ?? 'local'}:sdk-e2e:`;
const secret = randomBytes(24).toString('hex');
const otherResource = 'https://github.example.test/mcp';

const idp = await startIdentityProvider({ alg: 'RS256' });
const serviceUrl = await freeLocalUrl();
const example = await startExample({
  url: serviceUrl, clientId: 'files-mcp', clientSecret: secret, server: 'files', timeoutMs: 1500, retries: 1,
  authorizationServers: [idp.issuer], scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'], scope: ['mcp:read'],
});
const workDir = createServiceWorkDir('sdk-e2e', () => `redis:\n  url: ${redisUrl}\n  key_prefix: "${prefix}"\nlogging:\n  level: warn\n`);
const service = spawnService(serviceUrl, workDir, {
  AUTHZ_JWT_ISSUER: idp.issuer,
  AUTHZ_JWT_JWKS_URI: idp.jwksUri,
  AUTHZ_JWT_ALGORITHMS: 'RS256',
  AUTHZ_SERVERS: `files=${example.resource},github=${otherResource}`,
  AUTHZ_CLIENTS: `files-mcp:${secret}:files`,
});

// The decisions route is built separately; until it is wired into the service this suite skips.
let notReady: string | false = false;
let skip: string | false = false;
if (!(await service.waitReady())) {
  notReady = skip = `service did not become ready: ${service.output().slice(-500)}`;
} else {
  const probe = await fetch(`${serviceUrl}/v1/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`files-mcp:${secret}`).toString('base64')}` },
    body: JSON.stringify({ token: 'x', server: 'files', action: { method: 'tools/list', tool: 'read_file' } }),
  });
  if (probe.status === 404) skip = 'POST /v1/decisions is not wired into the service yet';
}

const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>) => idp.sign({ aud: example.resource, ...claims });
const tokens = {
  alice: await sign({ sub: 'alice', scope: 'mcp:read mcp:write' }),
  bob: await sign({ sub: 'bob', roles: ['viewer'] }),
  carol: await sign({ sub: 'carol', scope: 'mcp:read', roles: ['admin'] }),
  expired: await sign({ sub: 'alice', scope: 'mcp:read', iat: now() - 7200, exp: now() - 3600 }),
  other: await idp.sign({ sub: 'alice', scope: 'mcp:read mcp:write', aud: otherResource }),
};
const names = (entries: { name: string }[]) => entries.map((entry) => entry.name).sort();

async function decisionRequests(): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  return text.split('\n')
    .filter((line) => line.startsWith('mcp_authz_http_requests_total{') && line.includes('route="/v1/decisions"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

after(async () => {
  await service.stop();
  await example.close();
  await idp.close();
  workDir.remove();
  await deleteKeys(redisUrl, prefix);
});

// Token-only requests go through the service's token check, which names why a token is refused.
describe('SDK token checks against the real service', { skip: notReady }, () => {
  test('no token → 401 with resource_metadata', async () => {
    const res = await example.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/);
  });

  test('a valid token initializes the MCP session', async () => {
    const alice = await example.connect(tokens.alice);
    assert.deepEqual(await alice.ping(), {});
  });

  for (const which of ['expired', 'other'] as const) {
    test(`${which === 'other' ? 'a token minted for another MCP server' : 'an expired token'} → 401 on token-only requests`, async () => {
      const res = await example.post({ jsonrpc: '2.0', id: 2, method: 'ping' }, tokens[which]);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      const said = which === 'other' ? 'was issued for another resource' : 'has expired';
      assert.ok((res.headers.get('www-authenticate') ?? '').includes(said), res.headers.get('www-authenticate') ?? '');
    });
  }
});

describe('SDK decisions against the real service', { skip }, () => {
  test('tools/list differs for two users with different claims', async () => {
    const alice = await example.connect(tokens.alice);
    const bob = await example.connect(tokens.bob);
    assert.deepEqual(names((await alice.listTools()).tools), ['list_directory', 'move_file', 'read_file', 'write_file']);
    assert.deepEqual(names((await bob.listTools()).tools), ['list_directory', 'read_file']);
  });

  test('a permitted call runs; a denied call does not run and returns the documented error', async () => {
    const alice = await example.connect(tokens.alice);
    await alice.callTool({ name: 'write_file', arguments: { path: '/workspace/e2e.txt', content: 'hello' } });
    assert.equal(example.store.files.get('/workspace/e2e.txt'), 'hello');
    // bob (role viewer) lacks mcp:write: the reference policy answers required_scopes, so the
    // SDK answers with the step-up challenge rather than a JSON-RPC error.
    const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/workspace/bob.txt', content: 'x' } } };
    const stepUp = await example.post(call, tokens.bob);
    assert.equal(stepUp.status, 403);
    assert.match(stepUp.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="mcp:write"/);
    assert.equal(example.store.files.has('/workspace/bob.txt'), false);
    // A plain deny (path outside the allowed locations) is the documented JSON-RPC error.
    await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/etc/passwd', content: 'x' } }), (error: McpError) => {
      assert.equal(error.code, AUTHZ_DENIED_CODE);
      assert.ok((error.data as { reasons: string[] }).reasons.length > 0);
      return true;
    });
    assert.equal(example.store.files.has('/etc/passwd'), false);
  });

  for (const [which, description] of [
    ['expired', 'The access token has expired'],
    ['other', 'The access token was issued for another resource (wrong audience)'],
  ] as const) {
    test(`${which === 'other' ? 'a token minted for another MCP server' : 'an expired token'} → 401 on tools/call, saying why`, async () => {
      const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/workspace/README.md' } } };
      const res = await example.post(call, tokens[which]);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', new RegExp(`error="invalid_token", error_description="${description.replace(/[()]/g, '\\$&')}"`));
      assert.equal(((await res.json()) as { error_description: string }).error_description, description);
    });
  }

  test('a wrong caller secret is a misconfiguration: 500 with JSON-RPC -32603, logged once with the fix', async () => {
    const logged: string[] = [];
    const misconfigured = await startExample({
      url: serviceUrl, clientId: 'files-mcp', clientSecret: 'not-the-secret', server: 'files', timeoutMs: 1500, retries: 1,
      authorizationServers: [idp.issuer], logger: { error: (line) => logged.push(line) },
    });
    try {
      const call = { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/workspace/README.md' } } };
      for (let i = 0; i < 2; i++) {
        const res = await misconfigured.post(call, tokens.alice);
        assert.equal(res.status, 500);
        assert.equal(res.headers.get('retry-after'), null);
        assert.equal(((await res.json()) as { error: { code: number } }).error.code, INTERNAL_ERROR_CODE);
      }
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /caller credentials \(HTTP 401 invalid_credentials\)\. Fix: /);
    } finally {
      await misconfigured.close();
    }
  });

  test('a tool name that is not a string is invalid params, not an outage', async () => {
    const res = await example.post({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: ['read_file'], arguments: {} } }, tokens.alice);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, INVALID_PARAMS_CODE);
  });

  test('missing scope → 403 with scope=', async () => {
    const backups = example.store.backups.length;
    const res = await example.post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'run_backup', arguments: {} } }, tokens.carol);
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="mcp:admin"/);
    assert.equal(example.store.backups.length, backups);
  });

  test('N identical calls within the TTL make one decision request (counted by the service)', async () => {
    const alice = await example.connect(tokens.alice);
    const before = await decisionRequests();
    for (let i = 0; i < 5; i++) await alice.callTool({ name: 'read_file', arguments: { path: '/srv/shared/handbook.md' } });
    assert.equal(await decisionRequests() - before, 1);
  });

  test('service down → fail closed with a clear error, no tool runs', async () => {
    const alice = await example.connect(tokens.alice);
    await service.stop();
    example.authz.client.clearCache();
    const res = await example.post({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/workspace/down.txt', content: 'x' } } }, tokens.alice);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, AUTHZ_UNAVAILABLE_CODE);
    await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/workspace/down.txt', content: 'x' } }), /Authorization service unavailable/);
    assert.equal(example.store.files.has('/workspace/down.txt'), false);
  });
});

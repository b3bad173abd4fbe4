// End to end on MCP SDK v2: the real service (real Redis, reference policies, a test issuer), the v2 example
// protected by createAuthzFetch (web-standard transport) and by the express middleware on v2's express app,
// each driven by the v2 client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ProtocolError } from '@modelcontextprotocol/client';
import { AUTHZ_DENIED_CODE, AUTHZ_UNAVAILABLE_CODE } from '@mcp-authz/sdk';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { createServiceWorkDir, freeLocalUrl, spawnService, type ServiceProcess, type ServiceWorkDir } from '../support/service-process.js';
import { startExampleV2, type ExampleV2Harness, type V2Adapter } from '../sdk/support/example-v2-harness.js';
import { SHARED_REDIS_URL as redisUrl, deleteKeys } from '../store/redis-helpers.js';

const otherResource = 'https://github.example.test/mcp';
const names = (entries: { name: string }[]) => entries.map((entry) => entry.name).sort();
const now = () => Math.floor(Date.now() / 1000);
const readme = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/workspace/README.md' } } };

const idp: IdentityProvider = await startIdentityProvider({ alg: 'RS256' });
after(() => idp.close());

for (const adapter of ['web', 'express'] as V2Adapter[]) {
  describe(`SDK on MCP SDK v2 (${adapter === 'web' ? 'createAuthzFetch, web-standard transport' : 'express middleware, v2 express app'}) against the real service`, () => {
    const prefix = `mcp-authz-test:${process.env.MCP_AUTHZ_TEST_RUN ?? 'local'}:sdk-v2-e2e-${adapter}:`;
    const secret = randomBytes(24).toString('hex');
    let serviceUrl: string;
    let example: ExampleV2Harness;
    let workDir: ServiceWorkDir;
    let service: ServiceProcess;
    let tokens: Record<'alice' | 'bob' | 'carol' | 'dave' | 'expired' | 'other', string>;

    before(async () => {
      serviceUrl = await freeLocalUrl();
      example = await startExampleV2(adapter, {
        url: serviceUrl, clientId: 'files-mcp', clientSecret: secret, server: 'files', timeoutMs: 1500, retries: 1,
        authorizationServers: [idp.issuer], scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'], scope: ['mcp:read'],
      });
      workDir = createServiceWorkDir(`sdk-v2-e2e-${adapter}`, () => `redis:\n  url: ${redisUrl}\n  key_prefix: "${prefix}"\nlogging:\n  level: warn\n`);
      service = spawnService(serviceUrl, workDir, {
        AUTHZ_JWT_ISSUER: idp.issuer,
        AUTHZ_JWT_JWKS_URI: idp.jwksUri,
        AUTHZ_JWT_ALGORITHMS: 'RS256',
        AUTHZ_SERVERS: `files=${example.resource},github=${otherResource}`,
        AUTHZ_CLIENTS: `files-mcp:${secret}:files`,
      });
      assert.ok(await service.waitReady(), `service did not become ready: ${service.output().slice(-500)}`);
      const sign = (claims: Record<string, unknown>) => idp.sign({ aud: example.resource, ...claims });
      tokens = {
        alice: await sign({ sub: 'alice', scope: 'mcp:read mcp:write' }),
        bob: await sign({ sub: 'bob', roles: ['viewer'] }),
        carol: await sign({ sub: 'carol', scope: 'mcp:read', roles: ['admin'] }),
        dave: await sign({ sub: 'dave', scope: 'mcp:read mcp:admin', roles: ['admin'] }),
        expired: await sign({ sub: 'alice', scope: 'mcp:read', iat: now() - 7200, exp: now() - 3600 }),
        other: await idp.sign({ sub: 'alice', scope: 'mcp:read mcp:write', aud: otherResource }),
      };
    });
    after(async () => {
      await service.stop();
      await example.close();
      workDir.remove();
      await deleteKeys(redisUrl, prefix);
    });

    test('no token → 401 with resource_metadata and scope', async () => {
      const res = await example.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), `Bearer scope="mcp:read", resource_metadata="${example.metadataUrl}"`);
      const metadata = (await (await fetch(example.metadataUrl)).json()) as { resource: string; authorization_servers: string[] };
      assert.deepEqual([metadata.resource, metadata.authorization_servers], [example.resource, [idp.issuer]]);
    });

    test('the v2 client sees tools/list filtered per user', async () => {
      const alice = await example.connect(tokens.alice);
      const bob = await example.connect(tokens.bob);
      assert.deepEqual(names((await alice.listTools()).tools), ['list_directory', 'move_file', 'read_file', 'write_file']);
      assert.deepEqual(names((await bob.listTools()).tools), ['list_directory', 'read_file']);
    });

    test('a permitted call runs and its handler sees the auth info; a denied call does not run', async () => {
      const alice = await example.connect(tokens.alice);
      await alice.callTool({ name: 'write_file', arguments: { path: '/workspace/v2.txt', content: 'hello' } });
      assert.equal(example.store.files.get('/workspace/v2.txt'), 'hello');
      const dave = await example.connect(tokens.dave);
      const backup = await dave.callTool({ name: 'run_backup', arguments: {} });
      assert.deepEqual(backup.content, [{ type: 'text', text: `backup #${example.store.backups.length} by dave` }]);
      await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/etc/passwd', content: 'x' } }), (error: ProtocolError) => {
        assert.equal(error.code, AUTHZ_DENIED_CODE);
        assert.ok((error.data as { reasons: string[] }).reasons.length > 0);
        return true;
      });
      assert.equal(example.store.files.has('/etc/passwd'), false);
    });

    test('missing scope → 403 insufficient_scope with scope= (step-up), nothing runs', async () => {
      const backups = example.store.backups.length;
      const res = await example.post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'run_backup', arguments: {} } }, tokens.carol);
      assert.equal(res.status, 403);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="mcp:admin"/);
      const stepUp = await example.post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/workspace/bob.txt', content: 'x' } } }, tokens.bob);
      assert.equal(stepUp.status, 403);
      assert.match(stepUp.headers.get('www-authenticate') ?? '', /scope="mcp:write"/);
      assert.equal(example.store.backups.length, backups);
      assert.equal(example.store.files.has('/workspace/bob.txt'), false);
    });

    for (const [which, description] of [
      ['expired', 'The access token has expired'],
      ['other', 'The access token was issued for another resource (wrong audience)'],
    ] as const) {
      test(`${which === 'other' ? 'a token for another MCP server' : 'an expired token'} → 401 saying why; token-only requests too`, async () => {
        const res = await example.post(readme, tokens[which]);
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as { error_description: string }).error_description, description);
        const ping = await example.post({ jsonrpc: '2.0', id: 2, method: 'ping' }, tokens[which]);
        assert.equal(ping.status, 401);
        assert.match(ping.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      });
    }

    test('service down → fail closed: 503 with -32004, nothing runs', async () => {
      const alice = await example.connect(tokens.alice);
      await service.stop();
      example.client.clearCache();
      const res = await example.post({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/workspace/down.txt', content: 'x' } } }, tokens.alice);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(((await res.json()) as { error: { code: number } }).error.code, AUTHZ_UNAVAILABLE_CODE);
      await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/workspace/down.txt', content: 'x' } }));
      assert.equal(example.store.files.has('/workspace/down.txt'), false);
    });
  });
}

// The middleware in front of the example MCP server, driven by the official MCP client, with a stand-in decisions service.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { AUTHZ_DENIED_CODE, AUTHZ_UNAVAILABLE_CODE } from '@mcp-authz/sdk';
import { startFakeAuthzService, type FakeAuthzService } from '../support/fake-authz-service.js';
import { startExample, type ExampleHarness } from '../support/example-harness.js';

const hour = () => Math.floor(Date.now() / 1000) + 3600;
const tokens = {
  alice: { sub: 'alice', scopes: ['mcp:read', 'mcp:write'], server: 'files', exp: hour() },
  bob: { sub: 'bob', scopes: ['mcp:read'], server: 'files', exp: hour() },
  carol: { sub: 'carol', scopes: ['mcp:read'], roles: ['admin'], server: 'files', exp: hour() },
  dave: { sub: 'dave', scopes: ['mcp:read', 'mcp:admin'], roles: ['admin'], server: 'files', exp: hour() },
  eve: { sub: 'eve', scopes: [], server: 'files', exp: hour() },
  expired: { sub: 'old', scopes: ['mcp:read'], server: 'files', exp: 1 },
  other: { sub: 'alice', scopes: ['mcp:read'], server: 'github', exp: hour() },
};
const caller = `Basic ${Buffer.from('files-mcp:s3cret').toString('base64')}`;
const names = (entries: { name: string }[]) => entries.map((entry) => entry.name).sort();

for (const jsonResponse of [false, true]) {
  describe(`authz middleware (${jsonResponse ? 'JSON' : 'SSE'} answers)`, () => {
    let service: FakeAuthzService;
    let example: ExampleHarness;

    before(async () => {
      service = await startFakeAuthzService(tokens, [caller]);
      example = await startExample({
        url: service.url, clientId: 'files-mcp', clientSecret: 's3cret', server: 'files', retryBaseMs: 1,
        authorizationServers: ['https://issuer.test'], scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'], scope: ['mcp:read'],
      }, jsonResponse);
    });
    after(async () => {
      await example.close();
      await service.close();
    });

    test('tools/list shows each user only the tools they may call, from one batch call', async () => {
      const before = service.count('/v1/decisions/batch');
      const alice = await example.connect('alice');
      const bob = await example.connect('bob');
      const dave = await example.connect('dave');
      assert.deepEqual(names((await alice.listTools()).tools), ['list_directory', 'move_file', 'read_file', 'write_file']);
      assert.deepEqual(names((await bob.listTools()).tools), ['list_directory', 'read_file']);
      assert.deepEqual(names((await dave.listTools()).tools), ['list_directory', 'read_file', 'run_backup']);
      assert.equal(service.count('/v1/decisions/batch') - before, 3);
    });

    test('prompts/list and resources/list are filtered too', async () => {
      const alice = await example.connect('alice');
      const eve = await example.connect('eve');
      assert.deepEqual(names((await alice.listPrompts()).prompts), ['summarize_file']);
      assert.deepEqual((await eve.listPrompts()).prompts, []);
      assert.equal((await alice.listResources()).resources.length, 1);
      assert.deepEqual((await eve.listResources()).resources, []);
    });

    test('a permitted call runs and its handler sees extra.authInfo', async () => {
      const alice = await example.connect('alice');
      await alice.callTool({ name: 'write_file', arguments: { path: '/workspace/new.txt', content: 'hi' } });
      assert.equal(example.store.files.get('/workspace/new.txt'), 'hi');
      const dave = await example.connect('dave');
      const result = await dave.callTool({ name: 'run_backup', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: `backup #${example.store.backups.length} by dave` }]);
    });

    test('a denied call does not run and answers the documented JSON-RPC error with the reasons', async () => {
      const bob = await example.connect('bob');
      await assert.rejects(bob.callTool({ name: 'write_file', arguments: { path: '/workspace/bob.txt', content: 'x' } }), (error: McpError) => {
        assert.equal(error.code, AUTHZ_DENIED_CODE);
        assert.match(error.message, /needs write permission/);
        assert.deepEqual((error.data as { reasons: string[] }).reasons, ['tool "write_file" needs write permission']);
        return true;
      });
      assert.equal(example.store.files.has('/workspace/bob.txt'), false);
      const alice = await example.connect('alice');
      await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/etc/passwd', content: 'x' } }), { code: AUTHZ_DENIED_CODE });
      assert.equal(example.store.files.has('/etc/passwd'), false);
      const eve = await example.connect('eve');
      await assert.rejects(eve.readResource({ uri: 'file:///workspace/README.md' }), { code: AUTHZ_DENIED_CODE });
    });

    test('no token → 401 with resource_metadata and scope', async () => {
      const res = await example.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'),
        `Bearer scope="mcp:read", resource_metadata="${example.url}/.well-known/oauth-protected-resource/mcp"`);
    });

    for (const token of ['unknown', 'expired', 'other']) {
      test(`${token} token → 401 invalid_token, for calls and for token-only requests`, async () => {
        for (const body of [
          { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/workspace/README.md' } } },
          { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        ]) {
          const res = await example.post(body, token);
          assert.equal(res.status, 401);
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token", error_description="[^"]+", scope="mcp:read", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/);
        }
      });
    }

    test('missing scope → 403 insufficient_scope with scope=, and the tool does not run', async () => {
      const backups = example.store.backups.length;
      const res = await example.post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'run_backup', arguments: {} } }, 'carol');
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('www-authenticate'),
        `Bearer error="insufficient_scope", error_description="Additional scopes are required", scope="mcp:admin", resource_metadata="${example.url}/.well-known/oauth-protected-resource/mcp"`);
      assert.equal(example.store.backups.length, backups);
    });

    test('a batch body with one denied call runs nothing', async () => {
      const res = await example.post([
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/workspace/README.md' } } },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/workspace/batch.txt', content: 'x' } } },
      ], 'bob');
      assert.equal(res.status, 200);
      const body = (await res.json()) as { id: number; error: { code: number } }[];
      assert.deepEqual(body.map((entry) => [entry.id, entry.error.code]), [[1, AUTHZ_DENIED_CODE], [2, AUTHZ_DENIED_CODE]]);
      assert.equal(example.store.files.has('/workspace/batch.txt'), false);
    });

    test('N identical calls within the TTL make one decision request', async () => {
      const alice = await example.connect('alice');
      const before = service.count('/v1/decisions');
      for (let i = 0; i < 5; i++) await alice.callTool({ name: 'list_directory', arguments: { path: '/srv/shared/' } });
      assert.equal(service.count('/v1/decisions') - before, 1);
    });

    test('service failing → fail closed: 503 with the documented JSON-RPC error, nothing runs', async () => {
      const alice = await example.connect('alice');
      example.authz.client.clearCache();
      service.faults.push('reset', 'reset', 'reset', 'reset', 'reset', 'reset');
      const res = await example.post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/workspace/down.txt', content: 'x' } } }, 'alice');
      assert.equal(res.status, 503);
      const body = (await res.json()) as { id: number; error: { code: number; message: string; data: { code: string } } };
      assert.equal(body.id, 7);
      assert.equal(body.error.code, AUTHZ_UNAVAILABLE_CODE);
      assert.equal(body.error.data.code, 'ERR_AUTHZ_UNAVAILABLE');
      assert.equal(example.store.files.has('/workspace/down.txt'), false);
      service.faults.length = 0;
      service.faults.push('500');
      await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/workspace/down.txt', content: 'y' } }), (error: Error & { code: number }) => {
        assert.equal(error.code, 503);
        assert.match(error.message, /Authorization service unavailable; request refused \(fail closed\)/);
        return true;
      });
      assert.equal(example.store.files.has('/workspace/down.txt'), false);
    });

    test('list filtering fails closed when the batch call fails', async () => {
      const bob = await example.connect('bob');
      example.authz.client.clearCache();
      // ping caches bob's token check, so the list request's only service call is the batch.
      await bob.ping();
      service.faults.push('500');
      await assert.rejects(bob.listTools(), { code: AUTHZ_UNAVAILABLE_CODE });
    });
  });
}

// createAuthzFetch in process, with plain Request objects and a hand-written handler (as with Hono or Workers).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthzClient, createAuthzFetch, type AuthzClient, type AuthzFetchExtra, type AuthzFetchOptions } from '@mcp-authz/sdk';
import { startFakeAuthzService, type FakeAuthzService } from '../support/fake-authz-service.js';
import { caller, tokens } from '../support/behaviour-table.js';

const resource = 'https://mcp.example.test/mcp';
const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/workspace/README.md' } } };

function request(body: unknown, init: { token?: string; raw?: string; headers?: Record<string, string> } = {}): Request {
  return new Request(resource, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
}

describe('createAuthzFetch', () => {
  let service: FakeAuthzService;
  let client: AuthzClient;
  before(async () => {
    service = await startFakeAuthzService(tokens, [`Basic ${Buffer.from(`${caller.clientId}:${caller.clientSecret}`).toString('base64')}`]);
    client = createAuthzClient({ url: service.url, ...caller, retryBaseMs: 1 });
  });
  after(async () => {
    client.close();
    await service.close();
  });

  const options = (extra: Partial<AuthzFetchOptions> = {}): AuthzFetchOptions => ({ client, server: 'files', resource, logger: { error: () => undefined }, ...extra });

  test('the handler gets the untouched request, the parsed body and the auth info', async () => {
    let seen: { text: string; extra: AuthzFetchExtra } | undefined;
    const fetch = createAuthzFetch(options(), async (req, extra) => {
      seen = { text: await req.text(), extra };
      return Response.json({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    });
    const res = await fetch(request(call, { token: 'alice' }));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(seen!.text), call);
    assert.deepEqual(seen!.extra.parsedBody, call);
    assert.equal(seen!.extra.authInfo.token, 'alice');
    assert.deepEqual(seen!.extra.authInfo.scopes, ['mcp:read', 'mcp:write']);
    assert.equal(seen!.extra.authInfo.extra?.sub, 'alice');
  });

  test('a body over bodyLimitBytes is 413 and invalid JSON is 400; the handler never runs', async () => {
    let ran = 0;
    const fetch = createAuthzFetch(options({ bodyLimitBytes: 64 }), () => {
      ran++;
      return new Response(null, { status: 202 });
    });
    const big = await fetch(request({ ...call, pad: 'x'.repeat(100) }, { token: 'alice' }));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { code: number } }).error.code, -32600);
    const bad = await fetch(request(undefined, { token: 'alice', raw: '{"jsonrpc":' }));
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: number } }).error.code, -32700);
    assert.equal(ran, 0);
  });

  test('a handler that throws is answered 500 JSON-RPC -32603 and reported to onError', async () => {
    const errors: unknown[] = [];
    const fetch = createAuthzFetch(options({ onError: (error) => errors.push(error) }), () => {
      throw new Error('boom');
    });
    const res = await fetch(request(call, { token: 'alice' }));
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32603);
    assert.equal((errors[0] as Error).message, 'boom');
  });

  test('a filtered JSON list drops the handler\'s Content-Length', async () => {
    const tools = ['read_file', 'write_file', 'run_backup'].map((name) => ({ name, inputSchema: { type: 'object' } }));
    const fetch = createAuthzFetch(options(), () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools } });
      return new Response(body, { headers: { 'content-type': 'application/json', 'content-length': String(body.length) } });
    });
    const res = await fetch(request({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token: 'bob' }));
    assert.equal(res.headers.get('content-length'), null);
    assert.deepEqual(((await res.json()) as { result: { tools: { name: string }[] } }).result.tools.map((tool) => tool.name), ['read_file']);
  });

  test('the context option reaches the decision', async () => {
    const fetch = createAuthzFetch(options({ context: (req) => ({ client_ip: req.headers.get('x-test-ip') ?? '' }) }), () => Response.json({ jsonrpc: '2.0', id: 1, result: {} }));
    await fetch(request({ ...call, params: { ...call.params, arguments: { path: '/workspace/ctx.txt' } } }, { token: 'alice', headers: { 'x-test-ip': '192.0.2.7' } }));
    const last = service.bodies.get('/v1/decisions')!.at(-1) as { context: { client_ip: string } };
    assert.equal(last.context.client_ip, '192.0.2.7');
  });
});

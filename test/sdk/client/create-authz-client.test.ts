// Client behaviour against a local stand-in of the decisions contract: caching, coalescing, retries, fail-closed errors.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthzClient, AuthzRequestError, AuthzResponseError, AuthzTimeoutError, AuthzUnavailableError, type AuthzClient } from '@mcp-authz/sdk';
import { startFakeAuthzService, type FakeAuthzService } from '../support/fake-authz-service.js';

const basic = `Basic ${Buffer.from('files-mcp:s3cret').toString('base64')}`;
const tokens = {
  alice: { sub: 'alice', scopes: ['mcp:read', 'mcp:write'], server: 'files', exp: Math.floor(Date.now() / 1000) + 3600 },
};
const read = { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/a' } };

describe('createAuthzClient', () => {
  let service: FakeAuthzService;
  let client: AuthzClient;
  const clients: AuthzClient[] = [];
  const make = (extra: Partial<Parameters<typeof createAuthzClient>[0]> = {}) => {
    const made = createAuthzClient({ url: service.url, clientId: 'files-mcp', clientSecret: 's3cret', retryBaseMs: 1, ...extra });
    clients.push(made);
    return made;
  };

  before(async () => {
    service = await startFakeAuthzService(tokens, [basic, 'Bearer key-1']);
  });
  after(async () => {
    for (const made of clients) made.close();
    await service.close();
  });
  beforeEach(() => {
    service.counts.clear();
    service.faults.length = 0;
    service.ttlSeconds = 30;
    service.delayMs = 0;
    client = make();
  });

  test('decide returns the decision and authenticates with HTTP Basic', async () => {
    const decision = await client.decide({ token: 'alice', server: 'files', action: read });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.subject?.sub, 'alice');
    assert.equal(service.callerHeaders.at(-1), basic);
  });

  test('apiKey is sent as a bearer credential', async () => {
    const keyed = make({ clientId: undefined, clientSecret: undefined, apiKey: 'key-1' });
    await keyed.decide({ token: 'alice', server: 'files', action: read });
    assert.equal(service.callerHeaders.at(-1), 'Bearer key-1');
  });

  test('misuse is a TypeError', () => {
    assert.throws(() => createAuthzClient({ url: service.url }), TypeError);
    assert.throws(() => createAuthzClient({ url: 'not a url', apiKey: 'k' }), TypeError);
    assert.throws(() => createAuthzClient({ url: service.url, apiKey: 'k', clientId: 'c', clientSecret: 's' }), TypeError);
  });

  test('N identical concurrent calls make one request', async () => {
    service.delayMs = 20;
    const answers = await Promise.all(Array.from({ length: 25 }, () => client.decide({ token: 'alice', server: 'files', action: read })));
    assert.equal(service.count('/v1/decisions'), 1);
    assert.equal(new Set(answers.map((answer) => answer.decision_id)).size, 1);
  });

  test('a repeated call within the TTL is served from the local cache; key order does not matter', async () => {
    await client.decide({ token: 'alice', server: 'files', action: read, context: { client_ip: '10.0.0.1' } });
    const reordered = { arguments: { path: '/workspace/a' }, tool: 'read_file', method: 'tools/call' };
    await client.decide({ token: 'alice', server: 'files', action: reordered, context: { client_ip: '10.0.0.1' } });
    assert.equal(service.count('/v1/decisions'), 1);
  });

  test('a different context or token is a cache miss', async () => {
    await client.decide({ token: 'alice', server: 'files', action: read, context: { client_ip: '10.0.0.1' } });
    await client.decide({ token: 'alice', server: 'files', action: read, context: { client_ip: '10.0.0.2' } });
    await client.decide({ token: 'bob', server: 'files', action: read, context: { client_ip: '10.0.0.2' } });
    assert.equal(service.count('/v1/decisions'), 3);
  });

  test('ttl_seconds 0 is not cached, and cache: false disables caching', async () => {
    service.ttlSeconds = 0;
    await client.decide({ token: 'alice', server: 'files', action: read });
    await client.decide({ token: 'alice', server: 'files', action: read });
    assert.equal(service.count('/v1/decisions'), 2);
    service.ttlSeconds = 30;
    const uncached = make({ cache: false });
    await uncached.decide({ token: 'alice', server: 'files', action: read });
    await uncached.decide({ token: 'alice', server: 'files', action: read });
    assert.equal(service.count('/v1/decisions'), 4);
  });

  test('the local TTL is capped by maxTtlSeconds', async () => {
    const short = make({ cache: { maxTtlSeconds: 0.05 } });
    await short.decide({ token: 'alice', server: 'files', action: read });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await short.decide({ token: 'alice', server: 'files', action: read });
    assert.equal(service.count('/v1/decisions'), 2);
  });

  test('decideBatch answers in order, reuses cached entries and sends only the missing ones', async () => {
    const actions = ['read_file', 'write_file', 'run_backup'].map((tool) => ({ method: 'tools/list', tool }));
    const first = await client.decideBatch({ token: 'alice', server: 'files', actions });
    assert.deepEqual(first.map((decision) => decision.allow), [true, true, false]);
    const more = [...actions, { method: 'tools/list', tool: 'move_file' }];
    const second = await client.decideBatch({ token: 'alice', server: 'files', actions: more });
    assert.deepEqual(second.map((decision) => decision.allow), [true, true, false, true]);
    const bodies = service.bodies.get('/v1/decisions/batch') ?? [];
    assert.deepEqual((bodies.at(-1) as { actions: unknown[] }).actions, [{ method: 'tools/list', tool: 'move_file' }]);
    await client.decideBatch({ token: 'alice', server: 'files', actions: more });
    assert.equal(service.count('/v1/decisions/batch'), 2);
  });

  test('a connection reset before any answer is retried', async () => {
    service.faults.push('reset');
    const decision = await client.decide({ token: 'alice', server: 'files', action: read });
    assert.equal(decision.allow, true);
    assert.equal(service.count('/v1/decisions'), 2);
  });

  test('503 is retried, boundedly', async () => {
    service.faults.push('503');
    assert.equal((await client.decide({ token: 'alice', server: 'files', action: read })).allow, true);
    assert.equal(service.count('/v1/decisions'), 2);
    service.faults.push('503', '503', '503', '503');
    client.clearCache();
    await assert.rejects(client.decide({ token: 'alice', server: 'files', action: read }), (error: AuthzUnavailableError) => {
      assert.equal(error.code, 'ERR_AUTHZ_UNAVAILABLE');
      assert.equal(error.status, 503);
      return true;
    });
    assert.equal(service.count('/v1/decisions'), 5);
  });

  test('500 is not retried', async () => {
    service.faults.push('500');
    await assert.rejects(client.decide({ token: 'alice', server: 'files', action: read }), { code: 'ERR_AUTHZ_UNAVAILABLE' });
    assert.equal(service.count('/v1/decisions'), 1);
  });

  test('a 4xx problem becomes AuthzRequestError with the problem code, not retried', async () => {
    service.faults.push('400');
    await assert.rejects(client.decide({ token: 'alice', server: 'files', action: read }), (error: AuthzRequestError) => {
      assert.ok(error instanceof AuthzRequestError);
      assert.equal(error.code, 'ERR_AUTHZ_REQUEST_REJECTED');
      assert.equal(error.status, 400);
      assert.equal(error.problemCode, 'invalid_request');
      return true;
    });
    const wrong = make({ clientSecret: 'nope' });
    await assert.rejects(wrong.decide({ token: 'alice', server: 'files', action: read }), { code: 'ERR_AUTHZ_REQUEST_REJECTED', status: 401 });
    assert.equal(service.count('/v1/decisions'), 2);
  });

  test('a garbled answer fails closed with AuthzResponseError', async () => {
    service.faults.push('garbage');
    await assert.rejects(client.decide({ token: 'alice', server: 'files', action: read }), (error) => error instanceof AuthzResponseError && error.code === 'ERR_AUTHZ_BAD_RESPONSE');
  });

  test('a service that never answers gives AuthzTimeoutError and nothing is cached', async () => {
    const impatient = make({ timeoutMs: 100 });
    service.faults.push('hang');
    await assert.rejects(impatient.decide({ token: 'alice', server: 'files', action: read }), (error) => error instanceof AuthzTimeoutError && error.code === 'ERR_AUTHZ_TIMEOUT');
    assert.equal((await impatient.decide({ token: 'alice', server: 'files', action: read })).allow, true);
    assert.equal(service.count('/v1/decisions'), 2);
  });

  test('an unreachable service gives AuthzUnavailableError after the retries', async () => {
    const nowhere = make({ url: 'http://127.0.0.1:9', retries: 1 });
    await assert.rejects(nowhere.decide({ token: 'alice', server: 'files', action: read }), { code: 'ERR_AUTHZ_UNAVAILABLE', status: undefined });
  });

  test('introspect posts a form with the server and caches the answer', async () => {
    const first = await client.introspect('alice', { server: 'files' });
    assert.equal(first.active, true);
    assert.equal(first.sub, 'alice');
    await client.introspect('alice', { server: 'files' });
    assert.equal(service.count('/oauth2/introspect'), 1);
    assert.deepEqual(service.bodies.get('/oauth2/introspect')?.at(-1), { token: 'alice', server: 'files' });
    assert.deepEqual(await client.introspect('alice', { server: 'github' }), { active: false });
  });
});

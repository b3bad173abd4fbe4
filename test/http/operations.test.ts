// Operations endpoints: /healthz, /readyz (issuer keys and Redis reported as states, never flipping
// readiness; details for admins at /v1/readiness), /metrics, /openapi.json, request ids, and logs that never contain credentials.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createService } from '../../service/src/main.js';
import { GITHUB_RESOURCE, startWorld, type World } from '../support/world.js';

let world: World;
before(async () => {
  world = await startWorld();
});
after(() => world.close());

test('/healthz answers ok', async () => {
  await request(world.service.app).get('/healthz').expect(200, { status: 'ok' });
});

test('/readyz stays ready while an issuer\'s keys are unavailable and shows states only; /v1/readiness has the details for admins', async () => {
  world.other.down = true;
  await world.service.deps.tokens.warm();
  const res = await request(world.service.app).get('/readyz').expect(200);
  assert.equal(res.body.status, 'ready');
  assert.deepEqual(res.body.checks.config, { status: 'ok', critical: true });
  assert.deepEqual(res.body.checks.redis, { status: 'disabled', critical: false });
  assert.deepEqual(res.body.checks.issuers, { status: 'degraded', critical: false });
  // No issuer URL, no fetch error text: the details are for admins.
  assert.doesNotMatch(res.text, /https?:\/\//);
  assert.doesNotMatch(res.text, /detail|error/i);
  const validate = world.service.deps.contract.schemaValidator('Readiness');
  assert.ok(validate(res.body), JSON.stringify(validate.errors));

  // Admins get every check with its details at /v1/readiness, and no one else does.
  const details = await request(world.service.app).get('/v1/readiness').set('authorization', `Bearer ${world.secrets.admin}`).expect(200);
  assert.equal(details.headers['cache-control'], 'no-store');
  assert.equal(details.body.status, 'ready');
  assert.equal(details.body.checks.issuers.status, 'degraded');
  assert.equal(details.body.checks.issuers.issuers[world.other.issuer].state, 'unavailable');
  assert.equal(details.body.checks.issuers.issuers[world.rsa.issuer].state, 'fresh');
  assert.equal(typeof details.body.checks.redis.detail, 'string');
  const validateDetails = world.service.deps.contract.schemaValidator('ReadinessDetails');
  assert.ok(validateDetails(details.body), JSON.stringify(validateDetails.errors));
  world.other.down = false;

  const caller = await request(world.service.app).get('/v1/readiness').set('authorization', world.basic('github-mcp', world.secrets.github)).expect(403);
  assert.equal(caller.body.code, 'admin_required');
  const anonymous = await request(world.service.app).get('/v1/readiness').expect(401);
  assert.equal(anonymous.body.code, 'missing_credentials');
});

test('/readyz turns not ready only through a critical check', async () => {
  const { createApp } = await import('../../service/src/http/app.js');
  const app = createApp({ ...world.service.deps, readiness: [...world.service.deps.readiness, { name: 'policies', critical: true, check: () => ({ status: 'not_ready' as const }) }] });
  const res = await request(app).get('/readyz').expect(503);
  assert.equal(res.body.status, 'not_ready');
});

test('/readyz reports an unreachable Redis without becoming unready', async () => {
  const service = createService({ config: { ...world.config, redis: { url: 'redis://127.0.0.1:1', key_prefix: 'x:' } }, logger: pino({ level: 'silent' }) });
  try {
    const res = await request(service.app).get('/readyz');
    assert.equal(res.body.checks.redis.status, 'down');
    assert.equal(res.body.checks.redis.critical, false);
  } finally {
    await service.close();
  }
});

test('/metrics exposes request counts, validation outcomes by reason and key fetches', async () => {
  const token = await world.rsa.sign({ aud: GITHUB_RESOURCE });
  const auth = world.basic('github-mcp', world.secrets.github);
  await request(world.service.app).post('/oauth2/introspect').set('authorization', auth).type('form').send({ token }).expect(200);
  await request(world.service.app).post('/oauth2/introspect').set('authorization', auth).type('form').send({ token: 'a.b' }).expect(200);
  const res = await request(world.service.app).get('/metrics').expect(200);
  assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
  assert.match(res.text, /mcp_authz_http_requests_total\{method="POST",route="\/oauth2\/introspect",status="200"\} \d+/);
  assert.match(res.text, /mcp_authz_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/oauth2\/introspect"\}/);
  assert.match(res.text, /mcp_authz_token_validations_total\{kind="jwt",outcome="valid",cached="false"\} 1/);
  assert.match(res.text, /mcp_authz_token_validations_total\{kind="opaque",outcome="inactive",cached="false"\} 1/);
  assert.match(res.text, new RegExp(`mcp_authz_key_fetches_total\\{issuer="${world.rsa.issuer}",source="jwks",result="ok"\\} 1`));
  assert.match(res.text, /mcp_authz_key_fetches_total\{[^}]*result="failed"\} \d+/);
});

test('/metrics can require an admin caller', async () => {
  const service = createService({ config: { ...world.config, metrics: { access: 'admin' } }, logger: pino({ level: 'silent' }) });
  try {
    await request(service.app).get('/metrics').expect(401);
    await request(service.app).get('/metrics').set('authorization', world.basic('github-mcp', world.secrets.github)).expect(403);
    await request(service.app).get('/metrics').set('authorization', `Bearer ${world.secrets.admin}`).expect(200);
  } finally {
    await service.close();
  }
});

test('/openapi.json serves the contract', async () => {
  const res = await request(world.service.app).get('/openapi.json').expect(200);
  assert.equal(res.body.openapi, '3.1.0');
  for (const path of ['/oauth2/introspect', '/v1/decisions', '/v1/decisions/batch', '/v1/revocations', '/v1/policies', '/v1/readiness', '/healthz', '/readyz', '/metrics', '/openapi.json']) {
    assert.ok(res.body.paths[path], path);
  }
});

test('a request id is echoed, or made when the incoming one is unusable', async () => {
  const kept = await request(world.service.app).get('/healthz').set('x-request-id', 'abc-123').expect(200);
  assert.equal(kept.headers['x-request-id'], 'abc-123');
  const made = await request(world.service.app).get('/healthz').set('x-request-id', 'bad id\twith spaces').expect(200);
  assert.match(made.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
});

test('logs are JSON with request ids and never contain tokens or secrets', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const service = createService({ config: world.config, logger: pino({ level: 'info' }, sink) });
  try {
    const token = await world.rsa.sign({ aud: GITHUB_RESOURCE });
    await request(service.app).post('/oauth2/introspect?token=leak').set('authorization', world.basic('github-mcp', world.secrets.github)).set('x-request-id', 'log-test').type('form').send({ token }).expect(200);
    await request(service.app).post('/oauth2/introspect').set('authorization', world.basic('github-mcp', 'wrong-secret-value')).type('form').send({ token }).expect(401);
    const text = lines.join('');
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.req_id === 'log-test');
    assert.equal(entry?.route, '/oauth2/introspect');
    assert.equal(entry?.caller, 'github-mcp');
    for (const secret of [token, token.split('.')[2]!, world.secrets.github, 'wrong-secret-value', 'leak']) {
      assert.ok(!text.includes(secret), 'a credential reached the logs');
    }
  } finally {
    await service.close();
  }
});

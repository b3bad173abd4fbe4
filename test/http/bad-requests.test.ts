// Bad requests get the DESIGN.md status with application/problem+json and a stable code, and
// none of them disturbs the process; repeated authentication failures are answered 429.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parse } from 'yaml';
import { startWorld, type World } from '../support/world.js';

interface Row {
  name: string;
  method?: 'get' | 'post';
  auth?: 'github' | 'files' | 'files_old' | 'unknown' | 'wrong_secret' | 'none';
  authorization?: string;
  content_type?: string;
  body?: string;
  body_size?: number;
  status: number;
  code: string;
}

const ROWS = parse(readFileSync(new URL('./bad-requests.yaml', import.meta.url), 'utf8')) as Row[];

let world: World;
before(async () => {
  world = await startWorld();
});
after(() => world.close());

function authorization(row: Row): string | undefined {
  if (row.authorization !== undefined) return row.authorization;
  const { basic, secrets } = world;
  switch (row.auth) {
    case 'github': return basic('github-mcp', secrets.github);
    case 'files': return basic('files-mcp', secrets.files);
    case 'files_old': return basic('files-mcp', secrets.filesOld);
    case 'unknown': return basic('nobody', secrets.github);
    case 'wrong_secret': return basic('github-mcp', 'not-the-secret');
    default: return undefined;
  }
}

describe('bad requests table', () => {
  for (const row of ROWS) {
    test(`${row.name} → ${row.status} ${row.code}`, async () => {
      let req = request(world.service.app)[row.method ?? 'post']('/oauth2/introspect');
      const auth = authorization(row);
      if (auth !== undefined) req = req.set('authorization', auth);
      if (row.content_type !== undefined) req = req.set('content-type', row.content_type);
      const body = row.body_size !== undefined ? `token=${'a'.repeat(row.body_size)}` : row.body;
      const res = await (body !== undefined ? req.send(body) : req);
      assert.equal(res.status, row.status);
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
      const problem = JSON.parse(res.text) as Record<string, unknown>;
      assert.equal(problem.code, row.code);
      assert.equal(problem.status, row.status);
      assert.equal(problem.type, `urn:mcp-authz:problem:${row.code}`);
      assert.ok(typeof problem.request_id === 'string' && problem.request_id !== '');
      if (row.status === 401) assert.match(res.headers['www-authenticate'] ?? '', /Basic realm="mcp-authz"/);
      const validate = world.service.deps.contract.schemaValidator('Problem');
      assert.ok(validate(problem), JSON.stringify(validate.errors));
    });
  }

  test('the service still answers afterwards', async () => {
    await request(world.service.app).get('/healthz').expect(200, { status: 'ok' });
  });

  test('an unknown path is a problem+json 404', async () => {
    const res = await request(world.service.app).get('/nowhere').expect(404);
    assert.equal(res.body.code, 'not_found');
  });

  test('a malformed JSON body on a JSON route is 400 malformed_body', async () => {
    const { createApp } = await import('../../service/src/http/app.js');
    const app = createApp({
      ...world.service.deps,
      routes: [() => [{ method: 'post', path: '/v1/decisions', access: 'caller', handler: (_req, res) => res.json({}) }]],
    });
    const res = await request(app).post('/v1/decisions').set('authorization', world.basic('github-mcp', world.secrets.github))
      .set('content-type', 'application/json').send('{"token": ').expect(400);
    assert.equal(res.body.code, 'malformed_body');
  });
});

describe('throttling of failed caller authentication', () => {
  test('after max_failures from one client and caller, failures get 429 with Retry-After, good credentials 200', async (t) => {
    const small = await startWorld({ http: { auth_throttle: { max_failures: 3, max_failures_per_caller: 100, window_seconds: 60 } } });
    t.after(() => small.close());
    const post = (auth: string): request.Test =>
      request(small.service.app).post('/oauth2/introspect').set('authorization', auth).type('form').send({ token: 'abc' });
    for (let i = 0; i < 3; i++) await post(small.basic('github-mcp', 'wrong')).expect(401);
    const res = await post(small.basic('github-mcp', 'wrong')).expect(429);
    assert.equal(res.body.code, 'too_many_failures');
    assert.ok(Number(res.headers['retry-after']) > 0);
    await post(small.basic('github-mcp', small.secrets.github)).expect(200);
    await request(small.service.app).get('/healthz').expect(200);
  });
});

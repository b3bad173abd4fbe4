// Access log levels: a route may log its successful requests at debug (decisions keep their own
// decision log); failures and every other route stay at info.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../service/src/http/app.js';
import { HttpProblem } from '../../service/src/http/problems.js';
import type { RouteModule } from '../../service/src/http/route-types.js';
import { startWorld, type World } from '../support/world.js';

let world: World;
before(async () => {
  world = await startWorld();
});
after(() => world.close());

const routes: RouteModule = () => [
  { method: 'get', path: '/quiet', access: 'public', successLogLevel: 'debug', handler: (_req, res) => res.json({ ok: true }) },
  {
    method: 'get',
    path: '/quiet-failing',
    access: 'public',
    successLogLevel: 'debug',
    handler: () => {
      throw new HttpProblem('invalid_request', 'always refused');
    },
  },
  { method: 'get', path: '/loud', access: 'public', handler: (_req, res) => res.json({ ok: true }) },
];

async function logLines(level: string): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const app = createApp({ ...world.service.deps, logger: pino({ level }, sink), routes: [routes] });
  await request(app).get('/quiet').expect(200);
  await request(app).get('/quiet-failing').expect(400);
  await request(app).get('/loud').expect(200);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
}

test('at info, a debug-on-success route logs only its failures; other routes log every request', async () => {
  const lines = await logLines('info');
  assert.deepEqual(lines.map((l) => [l.route, l.status, l.level]), [
    ['/quiet-failing', 400, 30],
    ['/loud', 200, 30],
  ]);
});

test('at debug, the successful request of a debug-on-success route is logged at debug', async () => {
  const lines = await logLines('debug');
  assert.deepEqual(lines.map((l) => [l.route, l.status, l.level]), [
    ['/quiet', 200, 20],
    ['/quiet-failing', 400, 30],
    ['/loud', 200, 30],
  ]);
});

// The client address behind `http.trust_proxy` (client-address.cases.yaml): the failure throttle
// keys on it and the access log reports it, alike on the route served before express and through it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { parse } from 'yaml';
import { createCallerFailureThrottle } from '../../service/src/callers/index.js';
import { createApp } from '../../service/src/http/app.js';
import { createMemoryStore } from '../../service/src/store/index.js';
import { startWorld, type World } from '../support/world.js';

interface Row {
  name: string;
  trust_proxy: boolean | number | string;
  logged_ip: 'socket' | 'forwarded';
  second_throttled: boolean;
}

const ROWS = parse(readFileSync(new URL('./client-address.cases.yaml', import.meta.url), 'utf8')) as Row[];
const PATHS = [['direct', 'application/json'], ['express', 'application/json; charset="utf-8"']] as const;
const FIRST = '203.0.113.7';
const SECOND = '198.51.100.9';

let world: World;
before(async () => {
  world = await startWorld();
});
after(() => world.close());

describe('client address behind http.trust_proxy', () => {
  for (const row of ROWS) for (const [via, contentType] of PATHS) {
    test(`${row.name} (${via})`, async () => {
      const lines: Array<Record<string, unknown>> = [];
      const sink = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); cb(); } });
      const deps = world.service.deps;
      const app = createApp({
        ...deps,
        config: { ...deps.config, http: { ...deps.config.http, trust_proxy: row.trust_proxy } },
        throttle: createCallerFailureThrottle({ store: createMemoryStore(), maxFailures: 2, maxFailuresPerCaller: 100, windowSeconds: 60 }),
        logger: pino({ level: 'info' }, sink),
      });
      const body = JSON.stringify({ token: 't', server: 'files', action: { method: 'tools/list' } });
      const attempt = (from: string) => request(app).post('/v1/decisions').set('x-forwarded-for', from)
        .set('authorization', world.basic('files-mcp', 'wrong-secret')).set('content-type', contentType).send(body);

      assert.equal((await attempt(FIRST)).status, 401);
      assert.equal((await attempt(FIRST)).status, 401);
      const third = await attempt(FIRST);
      assert.equal(third.status, 429);
      assert.equal(third.body.code, 'too_many_failures');
      const other = await attempt(SECOND);
      assert.equal(other.status, row.second_throttled ? 429 : 401);

      const logged = lines.filter((l) => l.msg === 'request').map((l) => l.client_ip);
      assert.equal(logged.length, 4);
      if (row.logged_ip === 'forwarded') assert.deepEqual(logged, [FIRST, FIRST, FIRST, SECOND]);
      else for (const ip of logged) assert.match(String(ip), /127\.0\.0\.1|::1/);
    });
  }
});

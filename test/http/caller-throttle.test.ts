// Throttling of failed caller authentication over HTTP (caller-throttle.cases.yaml): credentials
// that verify are always served; failures count per (address, caller id) and per caller id. Each case
// runs on the decision route served before express and on introspection through express, over the
// in-process store and over Redis.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parse } from 'yaml';
import { createCallerFailureThrottle } from '../../service/src/callers/index.js';
import { createApp } from '../../service/src/http/app.js';
import { createMemoryStore, createRedisStore, type SharedStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, testPrefix } from '../store/redis-helpers.js';
import { startWorld, type World } from '../support/world.js';

interface Attempt {
  caller?: string;
  secret?: 'right' | 'wrong';
  bearer?: 'right' | 'wrong';
  from?: string;
  repeat?: number;
  expect: number;
}

interface Case {
  name: string;
  trust_proxy?: boolean;
  limits: { max_failures: number; max_failures_per_caller: number };
  attempts: Attempt[];
}

const CASES = parse(readFileSync(new URL('./caller-throttle.cases.yaml', import.meta.url), 'utf8')) as Case[];
const prefix = testPrefix('http-caller-throttle');

let world: World;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world.close();
  await deleteKeys(SHARED_REDIS_URL, prefix);
});

function authorization(a: Attempt): string | undefined {
  const rightSecrets: Record<string, string> = { 'github-mcp': world.secrets.github, 'files-mcp': world.secrets.files };
  if (a.bearer !== undefined) return `Bearer ${a.bearer === 'right' ? world.secrets.admin : 'not-an-api-key'}`;
  if (a.caller === undefined) return undefined;
  return world.basic(a.caller, a.secret === 'right' ? rightSecrets[a.caller]! : 'not-the-secret');
}

const ROUTES = {
  decisions: (app: ReturnType<typeof createApp>, a: Attempt) => request(app).post('/v1/decisions').type('json')
    .send({ token: 't', server: a.caller === 'files-mcp' ? 'files' : 'github', action: { method: 'tools/list' } }),
  introspect: (app: ReturnType<typeof createApp>) => request(app).post('/oauth2/introspect').type('form').send({ token: 't' }),
};

const STORES: Record<string, (n: number) => Promise<SharedStore & { close(): Promise<void> }>> = {
  memory: () => Promise.resolve(Object.assign(createMemoryStore(), { close: () => Promise.resolve() })),
  redis: async (n) => {
    const store = createRedisStore({ url: SHARED_REDIS_URL, prefix: `${prefix}${n}:` });
    await store.waitReady(5000);
    return store;
  },
};

let serial = 0;
describe('failed caller authentication throttling', () => {
  for (const c of CASES) for (const [storeKind, makeStore] of Object.entries(STORES)) for (const [via, send] of Object.entries(ROUTES)) {
    test(`${c.name} (${via}, ${storeKind})`, async () => {
      const store = await makeStore((serial += 1));
      const throttle = createCallerFailureThrottle({
        store, maxFailures: c.limits.max_failures, maxFailuresPerCaller: c.limits.max_failures_per_caller, windowSeconds: 60,
      });
      await throttle.start();
      try {
        const deps = world.service.deps;
        const app = createApp({ ...deps, config: { ...deps.config, http: { ...deps.config.http, trust_proxy: c.trust_proxy ?? false } }, throttle });
        for (const [i, a] of c.attempts.entries()) {
          for (let k = 0; k < (a.repeat ?? 1); k++) {
            let req = send(app, a);
            const auth = authorization(a);
            if (auth !== undefined) req = req.set('authorization', auth);
            if (a.from !== undefined) req = req.set('x-forwarded-for', a.from);
            const res = await req;
            assert.equal(res.status, a.expect, `attempt ${i + 1} (${k + 1} of ${a.repeat ?? 1}): ${res.text}`);
            if (a.expect === 429) {
              assert.equal(res.body.code, 'too_many_failures');
              assert.ok(Number(res.headers['retry-after']) > 0);
            }
          }
        }
      } finally {
        await throttle.close();
        await store.close();
      }
    });
  }
});

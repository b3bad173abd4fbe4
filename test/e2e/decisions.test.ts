// End to end over HTTP with real Redis and BullMQ: a Redis that dies mid-test, a decision log HTTP
// sink that is down for a while, two instances with separate policy dirs converging on a revision,
// restarts with changed policies, and a policy directory that drifts from the served revision.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { countLines, FILES, REFERENCE_POLICIES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { createRedisStore } from '../../service/src/store/index.js';
import { deleteKeys, eventually, SHARED_REDIS_URL, startPrivateRedis, testPrefix } from '../store/redis-helpers.js';

let idp: IdentityProvider;
before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
});
after(async () => {
  await idp.close();
});

const read = (path: string) => ({ method: 'tools/call', tool: 'read_file', arguments: { path } });

/** Makes `n` decisions with fresh tokens (so no cache helps) and returns their decision_ids. */
async function decisions(h: DecisionServiceHarness, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const token = await idp.sign({ aud: FILES, sub: `${tag}-${i}`, scope: 'mcp:read', password: 'never-logged' });
    const res = await h.decide({ token, server: 'files', action: read(i % 3 === 0 ? '/etc/passwd' : `/workspace/${tag}/${i}`) });
    assert.equal(res.status, 200);
    ids.push(res.body.decision_id as string);
  }
  return ids;
}

describe('a Redis that dies mid-test', () => {
  test('decisions go on, earlier revocations apply, and the JSONL sink gets exactly one line per decision', async () => {
    const redis = await startPrivateRedis();
    const prefix = testPrefix('e2e-outage');
    let h: DecisionServiceHarness | undefined;
    try {
      h = await startDecisionService({ idp, redisUrl: redis.url, prefix, config: { decision_logs: { sinks: [{ type: 'jsonl', path: 'decisions.jsonl' }] } } });
      const logFile = join(h.workDir, 'decisions.jsonl');
      const { store } = h.service.runtime;
      assert.equal(store.healthy(), true);

      const revoked = await idp.sign({ aud: FILES, sub: 'mallory', scope: 'mcp:read' });
      const body = { token: revoked, server: 'files', action: read('/workspace/m') };
      const first = await h.decide(body);
      assert.equal(first.body.outcome, 'allow', JSON.stringify(first.body));
      const rv = await request(h.service.app).post('/v1/revocations').set('authorization', h.auth('admin')).send({ token: revoked });
      assert.equal(rv.body.persisted, true);

      const ids = [first.body.decision_id as string, (await h.decide(body)).body.decision_id as string];
      ids.push(...(await decisions(h, 20, 'before')));
      assert.equal(await h.service.runtime.drainDecisionLogs(20_000), true);

      await redis.stop();
      await eventually(() => !store.healthy(), 'the service sees Redis down');
      const during = await decisions(h, 20, 'during');
      ids.push(...during);
      const stillRevoked = await h.decide(body);
      assert.equal(stillRevoked.body.outcome, 'invalid_token');
      assert.deepEqual(stillRevoked.body.reasons, ['token_revoked']);
      ids.push(stillRevoked.body.decision_id as string);
      // Hand the outage's records to the transport now, so they meet the dead Redis and spill.
      await h.service.runtime.decisionLogs!.flush();
      const metrics = (await request(h.service.app).get('/metrics')).text;
      assert.match(metrics, /^mcp_authz_store_up 0$/m);
      assert.match(metrics, /^mcp_authz_decision_logs_total\{sink="jsonl",stage="spilled"\} [1-9]/m);

      await redis.start();
      await eventually(() => store.healthy(), 'the service reconnects', 15_000);
      ids.push(...(await decisions(h, 5, 'after')));
      const last = await h.decide(body);
      assert.equal(last.body.outcome, 'invalid_token', 'the revocation outlives an empty Redis');
      ids.push(last.body.decision_id as string);
      assert.equal(await h.service.runtime.drainDecisionLogs(30_000), true);

      const text = readFileSync(logFile, 'utf8');
      const { lines, ids: logged } = countLines(text);
      const expected = new Set(ids);
      assert.equal(expected.size, ids.length);
      assert.equal(lines, ids.length);
      assert.equal(logged.size, lines, 'no decision_id twice');
      for (const id of expected) assert.ok(logged.has(id), `decision ${id} logged`);
      assert.ok(!text.includes(revoked) && !text.includes('never-logged'), 'no token or secret claim in the log');
    } finally {
      await h?.close();
      await redis.stop();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  });
});

/** A decision log collector that answers 503 while `down`, else records every delivered record. */
async function startCollector(): Promise<{ url: string; down: boolean; received: string[]; failures: number; close(): Promise<void> }> {
  const c = { url: '', down: true, received: [] as string[], failures: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (c.down) {
        c.failures++;
        res.writeHead(503).end();
        return;
      }
      for (const r of JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ decision_id: string }>) c.received.push(r.decision_id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`;
  c.close = () => new Promise<undefined>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve(undefined));
  });
  return c;
}

describe('decision logs with an HTTP sink that is down for a while', () => {
  test('each sink gets every decision exactly once, independently', async () => {
    const collector = await startCollector();
    const prefix = testPrefix('e2e-http-sink');
    let h: DecisionServiceHarness | undefined;
    try {
      h = await startDecisionService({
        idp, redisUrl: SHARED_REDIS_URL, prefix,
        config: { decision_logs: { sinks: [{ type: 'jsonl', path: 'decisions.jsonl' }, { type: 'http', url: collector.url, timeout_ms: 2000 }] } },
      });
      const ids = await decisions(h, 30, 'sink');
      const logFile = join(h.workDir, 'decisions.jsonl');
      // The file sink does not wait for the failing HTTP sink.
      await eventually(() => {
        try {
          return countLines(readFileSync(logFile, 'utf8')).lines === ids.length;
        } catch {
          return false;
        }
      }, 'the JSONL sink has every decision while the HTTP sink is down', 15_000);
      await eventually(() => collector.failures >= 2, 'the HTTP sink was retried', 15_000);
      collector.down = false;
      assert.equal(await h.service.runtime.drainDecisionLogs(30_000), true);
      assert.equal(collector.received.length, ids.length, 'no record twice at the HTTP sink');
      assert.deepEqual(new Set(collector.received), new Set(ids));
      const { lines, ids: logged } = countLines(readFileSync(logFile, 'utf8'));
      assert.equal(lines, ids.length, 'HTTP retries never duplicate the file sink');
      assert.deepEqual(logged, new Set(ids));
      const metrics = (await request(h.service.app).get('/metrics')).text;
      assert.match(metrics, /^mcp_authz_decision_log_failures_total\{sink="http"\} [1-9]/m);
      assert.match(metrics, /^mcp_authz_decision_logs_total\{sink="jsonl",stage="delivered"\} 30$/m);
    } finally {
      await h?.close();
      await collector.close();
    }
  });
});

describe('two instances with separate policy directories sharing Redis', () => {
  test('converge on the revision one of them accepts', async () => {
    const prefix = testPrefix('e2e-converge');
    let a: DecisionServiceHarness | undefined;
    let b: DecisionServiceHarness | undefined;
    try {
      a = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix, watch: true, keepKeys: true });
      b = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix, keepKeys: true });
      const token = await idp.sign({ aud: FILES, sub: 'lee', scope: 'mcp:read' });
      const body = { token, server: 'files', action: read('/tmp/report.txt') };
      assert.equal((await b.decide(body)).body.outcome, 'deny');
      const start = a.service.runtime.policies.status().revision;
      assert.equal(b.service.runtime.policies.status().revision, start);

      // Only A's directory changes; A's watcher reloads it and B follows over Redis.
      const dataFile = join(a.policyDir, 'mcp', 'data.json');
      const data = JSON.parse(readFileSync(dataFile, 'utf8')) as { allowed_paths: string[] };
      data.allowed_paths.push('/tmp/**');
      writeFileSync(dataFile, JSON.stringify(data));
      await eventually(() => a!.service.runtime.policies.status().revision !== start, 'A accepts the change', 15_000);
      const next = a.service.runtime.policies.status().revision;
      await eventually(() => b!.service.runtime.policies.status().revision === next, 'B follows', 15_000);

      const status = await request(b.service.app).get('/v1/policies').set('authorization', b.auth('files'));
      assert.equal(status.body.revision, next);
      assert.equal(status.body.cluster.revision, next);
      assert.equal(status.body.cluster.matches, true);
      assert.equal(status.body.last_reload.source, 'cluster');
      const decided = await b.decide(body);
      assert.equal(decided.body.outcome, 'allow');
      assert.equal(decided.body.policy_revision, next);
      assert.match((await request(b.service.app).get('/metrics')).text, /^mcp_authz_policy_revision_matches_cluster 1$/m);
    } finally {
      await a?.close();
      await b?.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  });
});

/** The reference policies with `/tmp/**` readable: a changed policy set for a redeploy. */
function changedPolicies(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-changed-'));
  cpSync(REFERENCE_POLICIES, dir, { recursive: true });
  const dataFile = join(dir, 'mcp', 'data.json');
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as { allowed_paths: string[] };
  data.allowed_paths.push('/tmp/**');
  writeFileSync(dataFile, JSON.stringify(data));
  return dir;
}

describe('a restart with changed policies', () => {
  for (const withRedis of [true, false]) {
    test(`serves the new policies (${withRedis ? 'with Redis, over a stale current key' : 'without Redis'})`, async () => {
      const prefix = testPrefix('e2e-restart');
      const redis = withRedis ? { redisUrl: SHARED_REDIS_URL, prefix, keepKeys: true } : { prefix };
      const source = changedPolicies();
      let h: DecisionServiceHarness | undefined;
      try {
        h = await startDecisionService({ idp, ...redis });
        const token = await idp.sign({ aud: FILES, sub: 'lee', scope: 'mcp:read' });
        const body = { token, server: 'files', action: read('/tmp/report.txt') };
        assert.equal((await h.decide(body)).body.outcome, 'deny');
        const old = h.service.runtime.policies.status().revision!;
        await h.close();
        h = undefined;
        // What an earlier version left for the next process: a current revision, nobody behind it.
        if (withRedis) await writeStaleCurrent(prefix, old);

        h = await startDecisionService({ idp, ...redis, policySource: source });
        const served = h.service.runtime.policies.status().revision;
        assert.notEqual(served, old);
        const decided = await h.decide(body);
        assert.equal(decided.body.outcome, 'allow');
        assert.equal(decided.body.policy_revision, served);
        const ready = await request(h.service.app).get('/readyz');
        assert.deepEqual(ready.body.policy, { served_revision: served, source_revision: served, in_sync: true });
      } finally {
        await h?.close();
        rmSync(source, { recursive: true, force: true });
        if (withRedis) await deleteKeys(SHARED_REDIS_URL, prefix);
      }
    });
  }
});

async function writeStaleCurrent(prefix: string, revision: string): Promise<void> {
  const store = createRedisStore({ url: SHARED_REDIS_URL, prefix });
  try {
    await store.waitReady(5000);
    await store.set('policy:current', JSON.stringify({ revision, replica: 'long-gone' }), 60_000);
  } finally {
    await store.close();
  }
}

describe('a policy directory that no longer compiles', () => {
  test('keeps the last good revision serving and reports the drift in /readyz, the metric and /v1/policies', async () => {
    const h = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix: testPrefix('e2e-drift') });
    try {
      const good = h.service.runtime.policies.status().revision;
      const ready = await request(h.service.app).get('/readyz');
      assert.equal(ready.body.policy.in_sync, true);
      assert.match((await request(h.service.app).get('/metrics')).text, /^mcp_authz_policy_source_drift 0$/m);

      const file = join(h.policyDir, 'mcp', 'authz.rego');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nallow if {\n`);
      assert.equal((await h.service.runtime.policies.reload()).result, 'compile_error');

      const drifted = await request(h.service.app).get('/readyz');
      assert.equal(drifted.status, 200, 'the last good revision still decides');
      assert.equal(drifted.body.policy.served_revision, good);
      assert.notEqual(drifted.body.policy.source_revision, good);
      assert.equal(drifted.body.policy.in_sync, false);
      assert.equal(drifted.body.policy.drift, 'source_rejected');
      assert.match((await request(h.service.app).get('/metrics')).text, /^mcp_authz_policy_source_drift 1$/m);

      const status = await request(h.service.app).get('/v1/policies').set('authorization', h.auth('admin'));
      assert.equal(status.body.revision, good);
      assert.equal(status.body.in_sync, false);
      assert.equal(status.body.source.result, 'compile_error');
      assert.match(status.body.source.errors[0].location, /^mcp\/authz\.rego:\d+:\d+$/);
    } finally {
      await h.close();
    }
  });
});

// A real 3-master Redis Cluster with an ACL user: decisions, revocations over pub/sub, the caller
// failure throttle's counters and BullMQ decision logs all work through it, with hash-tagged queue keys.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import request from 'supertest';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { countLines, FILES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { eventually, testPrefix } from '../store/redis-helpers.js';
import { startRedisCluster, type RedisCluster } from './ha-helpers.js';

const auth = { username: 'authz', password: 'cluster-pw-0123456789' };
let idp: IdentityProvider;
let cluster: RedisCluster;
before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  cluster = await startRedisCluster(auth);
});
after(async () => {
  await cluster?.stop();
  await idp?.close();
});

const read = (path: string) => ({ method: 'tools/call', tool: 'read_file', arguments: { path } });

test('two replicas on a Redis Cluster share revocations and deliver every decision log once', async () => {
  const prefix = testPrefix('cluster');
  const redis = { cluster: cluster.nodes, username: auth.username, password: auth.password, key_prefix: prefix };
  const config = { redis, decision_logs: { sinks: [{ type: 'jsonl', path: 'decisions.jsonl' }] } };
  let a: DecisionServiceHarness | undefined;
  let b: DecisionServiceHarness | undefined;
  try {
    const first = (a = await startDecisionService({ idp, prefix, config }));
    const second = (b = await startDecisionService({ idp, prefix, config: { redis } }));
    assert.equal(first.service.runtime.redis?.mode, 'cluster');
    await eventually(() => first.service.runtime.store.healthy() && second.service.runtime.store.healthy(), 'both replicas connected to the cluster');

    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const token = await idp.sign({ aud: FILES, sub: `user-${i}`, scope: 'mcp:read' });
      const res = await first.decide({ token, server: 'files', action: read(`/workspace/${i}`) });
      assert.equal(res.status, 200);
      assert.equal(res.body.outcome, 'allow', JSON.stringify(res.body));
      ids.push(res.body.decision_id as string);
    }

    // A revocation accepted by one replica reaches the other through the cluster's pub/sub.
    const mallory = await idp.sign({ aud: FILES, sub: 'mallory', scope: 'mcp:read' });
    const body = { token: mallory, server: 'files', action: read('/workspace/m') };
    assert.equal((await second.decide(body)).body.outcome, 'allow');
    const rv = await request(first.service.app).post('/v1/revocations').set('authorization', first.auth('admin')).send({ token: mallory });
    assert.equal(rv.body.persisted, true, JSON.stringify(rv.body));
    await eventually(async () => (await second.decide(body)).body.outcome === 'invalid_token', 'the other replica honours the revocation');

    assert.equal(await first.service.runtime.drainDecisionLogs(30_000), true);
    const { lines, ids: logged } = countLines(readFileSync(join(first.workDir, 'decisions.jsonl'), 'utf8'));
    assert.equal(lines, ids.length);
    for (const id of ids) assert.ok(logged.has(id), `decision ${id} logged`);

    // BullMQ's keys share one hash tag (one slot), as its multi-key scripts require.
    const c = new Cluster(cluster.nodes, { redisOptions: auth });
    try {
      await new Promise((resolve) => c.once('ready', resolve));
      const keys: string[] = [];
      for (const node of c.nodes('master')) keys.push(...(await node.keys(`*${prefix.replace(/:$/, '')}*`)));
      const queueKeys = keys.filter((k) => k.includes(':bull:'));
      assert.ok(queueKeys.length > 0, 'queue keys exist');
      const tag = `{${prefix.replace(/:$/, '')}}:bull:`;
      for (const k of queueKeys) assert.ok(k.startsWith(tag), `${k} is hash-tagged`);
      // The shared cache and revocations spread over the masters (no tag needed for one-key commands).
      const perNode = await Promise.all(c.nodes('master').map(async (n) => (await n.keys(`${prefix}*`)).length));
      assert.ok(perNode.filter((n) => n > 0).length >= 2, `keys on several masters: ${perNode.join(',')}`);
    } finally {
      c.disconnect();
    }
  } finally {
    await b?.close();
    await a?.close();
  }
});

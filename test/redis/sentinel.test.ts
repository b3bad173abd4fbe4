// A real Sentinel setup (master, replica, three sentinels; password and append-only files): the master
// is killed mid-traffic, Sentinel promotes the replica, decisions keep flowing and no decision log is
// lost (each queued batch is on a replica before it counts as queued: redis.wait_for_replicas).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { countLines, FILES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { eventually, testPrefix } from '../store/redis-helpers.js';
import { startSentinelSetup, type SentinelSetup } from './ha-helpers.js';

const password = 'sentinel-data-pw-0123456789';
let idp: IdentityProvider;
let setup: SentinelSetup;
before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  setup = await startSentinelSetup(password);
});
after(async () => {
  await setup?.stop();
  await idp?.close();
});

const read = (path: string) => ({ method: 'tools/call', tool: 'read_file', arguments: { path } });

test('a failover keeps decisions flowing, revocations apply after it, and every decision log arrives once', async () => {
  const prefix = testPrefix('sentinel');
  let h: DecisionServiceHarness | undefined;
  try {
    const svc = (h = await startDecisionService({
      idp,
      prefix,
      config: {
        redis: { sentinels: setup.sentinels, name: setup.name, password, key_prefix: prefix, wait_for_replicas: 1, wait_timeout_ms: 500 },
        decision_logs: { sinks: [{ type: 'jsonl', path: 'decisions.jsonl' }] },
      },
    }));
    const { store } = svc.service.runtime;
    await eventually(() => store.healthy(), 'connected to the master through the sentinels');
    const ids: string[] = [];
    let n = 0;
    const decide = async (): Promise<void> => {
      const i = n++;
      const token = await idp.sign({ aud: FILES, sub: `user-${i}`, scope: 'mcp:read' });
      const res = await svc.decide({ token, server: 'files', action: read(`/workspace/${i}`) });
      assert.equal(res.status, 200);
      assert.equal(res.body.outcome, 'allow', JSON.stringify(res.body));
      ids.push(res.body.decision_id as string);
    };
    for (let i = 0; i < 10; i++) await decide();
    const early = await idp.sign({ aud: FILES, sub: 'mallory', scope: 'mcp:read' });
    assert.equal((await request(svc.service.app).post('/v1/revocations').set('authorization', svc.auth('admin')).send({ token: early })).body.persisted, true);

    const oldPort = setup.master.port;
    await setup.master.kill();
    // Decisions go on while there is no master and while Sentinel promotes the replica.
    let withoutMaster = 0;
    await eventually(async () => {
      await decide();
      if (!store.healthy()) withoutMaster++;
      return (await setup.masterPort()) === setup.replica.port;
    }, 'Sentinel promotes the replica', 30_000);
    assert.ok(withoutMaster > 0, 'decisions were answered while no master existed');
    await eventually(async () => {
      await decide();
      return store.healthy();
    }, 'the service follows the new master', 30_000);
    const revoked = await svc.decide({ token: early, server: 'files', action: read('/workspace/m') });
    assert.equal(revoked.body.outcome, 'invalid_token', 'a revocation made before the failover still applies');

    // Writes after the failover go to the new master.
    const late = await idp.sign({ aud: FILES, sub: 'eve', scope: 'mcp:read' });
    const rv = await request(svc.service.app).post('/v1/revocations').set('authorization', svc.auth('admin')).send({ token: late });
    assert.equal(rv.body.persisted, true, JSON.stringify(rv.body));
    assert.equal((await svc.decide({ token: late, server: 'files', action: read('/workspace/e') })).body.outcome, 'invalid_token');
    for (let i = 0; i < 10; i++) await decide();

    // Batches without a replica to hold them wait in the spill file; the old master returns as the
    // new master's replica (its append-only file kept), and they drain.
    assert.notEqual(oldPort, setup.replica.port);
    await setup.master.start({ password });
    assert.equal(await svc.service.runtime.drainDecisionLogs(60_000), true, 'decision logs drain');
    const text = readFileSync(join(svc.workDir, 'decisions.jsonl'), 'utf8');
    const { lines, ids: logged } = countLines(text);
    const expected = ids.length + 2;
    assert.equal(logged.size, lines, 'no decision logged twice');
    assert.equal(lines, expected);
    for (const id of ids) assert.ok(logged.has(id), `decision ${id} logged`);
  } finally {
    await h?.close();
  }
});

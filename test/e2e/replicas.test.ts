// Three service processes on one persistent Redis, measured: a policy change on one replica is served
// by all, a revocation on one is honoured by all, the caller-failure throttle is shared, decision logs
// from all reach an HTTP sink exactly once, and a replica killed with SIGKILL loses no queued record.
// Every wait is a generous fail-closed bound; the measured figures are printed, not asserted.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { REFERENCE_POLICIES } from '../support/decision-service.js';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { createServiceWorkDir, freeLocalUrl, spawnService, type ServiceProcess, type ServiceWorkDir } from '../support/service-process.js';
import { eventually, startPrivateRedis } from '../store/redis-helpers.js';

const FILES = 'https://files.replicas.test/mcp';
const SECRET = 'files-secret-replicas-0123456789';
const ADMIN = 'admin-secret-replicas-0123456789';
const MAX_FAILURES = 4;

interface Replica {
  name: string;
  url: string;
  work: ServiceWorkDir;
  policyDir: string;
  process: ServiceProcess;
}

/** An HTTP decision log sink counting every delivered decision_id (duplicates included). */
interface Sink {
  url: string;
  received: string[];
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      for (const r of JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ decision_id: string }>) received.push(r.decision_id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const replicas: Replica[] = [];

function configYaml(idp: IdentityProvider, redisUrl: string, sinkUrl: string, dir: string): string {
  return [
    'logging:', '  level: warn',
    'redis:', `  url: ${redisUrl}`, '  key_prefix: "replicas-e2e:"',
    'http:', '  auth_throttle:', `    max_failures: ${MAX_FAILURES}`, '    max_failures_per_caller: 1000', '    window_seconds: 60',
    'policies:', '  check_interval_seconds: 1',
    'issuers:', `  - issuer: ${idp.issuer}`, `    jwks_uri: ${idp.jwksUri}`, '    algorithms: [RS256]',
    'servers:', `  - id: files`, `    resource: ${FILES}`,
    'callers:',
    '  - id: files-mcp', `    secret_hashes: ["${hashSecret(SECRET)}"]`, '    servers: [files]',
    '  - id: ops', '    role: admin', `    secret_hashes: ["${hashSecret(ADMIN)}"]`,
    'decision_logs:', `  spill_path: ${join(dir, 'spill.jsonl')}`, '  sinks:', '    - type: http', `      url: ${sinkUrl}`, '      timeout_ms: 5000',
    '',
  ].join('\n');
}

const idp = await startIdentityProvider({ alg: 'RS256' });
const redis = await startPrivateRedis({ persistent: true });
const sink = await startSink();
for (const name of ['a', 'b', 'c']) {
  const url = await freeLocalUrl();
  const work = createServiceWorkDir(`replica-${name}`, (dir) => configYaml(idp, redis.url, sink.url, dir));
  // Each replica has its own copy of the policies, as separate pods would.
  const policyDir = join(work.dir, 'policies');
  cpSync(REFERENCE_POLICIES, policyDir, { recursive: true });
  replicas.push({ name, url, work, policyDir, process: spawnService(url, work, { POLICY_DIR: policyDir }) });
}
const startedAt = Date.now();
// Three processes starting from sources at once on a loaded machine: a generous deadline.
const ready = (await Promise.all(replicas.map((r) => r.process.waitReady(120_000)))).every(Boolean);
console.log(`replicas: 3 processes ready in ${Date.now() - startedAt} ms`);

after(async () => {
  await Promise.all(replicas.map((r) => r.process.stop()));
  for (const r of replicas) r.work.remove();
  await sink.close();
  await redis.stop();
  await idp.close();
});

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const read = (path: string) => ({ method: 'tools/call', tool: 'read_file', arguments: { path } });

interface Answer {
  status: number;
  body: { outcome?: string; reasons?: string[]; decision_id?: string; policy_revision?: string; code?: string };
}

async function post(r: Replica, path: string, auth: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${r.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const decide = (r: Replica, token: string, action: unknown): Promise<Answer> => post(r, '/v1/decisions', basic('files-mcp', SECRET), { token, server: 'files', action });

/** Every decision_id answered 200 by any replica in this file, for the sink's count. */
const answered: string[] = [];
async function decideLogged(r: Replica, token: string, action: unknown): Promise<Answer> {
  const a = await decide(r, token, action);
  if (a.status === 200 && a.body.decision_id) answered.push(a.body.decision_id);
  return a;
}

const skip = (): string | false => (ready ? false : `replicas did not start: ${replicas.map((r) => r.process.output().slice(-300)).join('\n')}`);

test('a policy change accepted by one replica is served by all within 20 s', { skip: skip() }, async () => {
  const [a] = replicas as [Replica];
  const token = await idp.sign({ aud: FILES, sub: 'alice', scope: 'mcp:read' });
  const stat = { method: 'tools/call', tool: 'stat_file', arguments: { path: '/workspace/a.txt' } };
  for (const r of replicas) assert.equal((await decideLogged(r, token, stat)).body.outcome, 'deny', 'stat_file is not a known tool yet');

  // Only replica a's directory changes; b and c learn the revision from the cluster's announcements.
  const dataFile = join(a.policyDir, 'mcp', 'data.json');
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as { servers: Record<string, { tools: Record<string, unknown> }> };
  data.servers.files!.tools.stat_file = { kind: 'read', path_args: ['path'] };
  const changed = Date.now();
  writeFileSync(dataFile, `${JSON.stringify(data, null, 2)}\n`);
  const servedAt = new Map<string, number>();
  await eventually(async () => {
    for (const r of replicas) {
      if (servedAt.has(r.name)) continue;
      if ((await decideLogged(r, token, stat)).body.outcome === 'allow') servedAt.set(r.name, Date.now() - changed);
    }
    return servedAt.size === replicas.length;
  }, 'every replica serves the changed policy', 20_000);
  const revisions = new Set<string | undefined>();
  for (const r of replicas) revisions.add((await decideLogged(r, token, stat)).body.policy_revision);
  assert.equal(revisions.size, 1, 'all replicas serve one revision');
  console.log(`replicas: policy change served (ms after the write) ${JSON.stringify(Object.fromEntries(servedAt))}`);
});

test('a revocation on one replica is honoured by all within 5 s', { skip: skip() }, async () => {
  const [a, b, c] = replicas as [Replica, Replica, Replica];
  const token = await idp.sign({ aud: FILES, sub: 'mallory', scope: 'mcp:read' });
  // Allowed, and so cached, on every replica first.
  for (const r of replicas) assert.equal((await decideLogged(r, token, read('/workspace/m'))).body.outcome, 'allow');
  const rv = await post(a, '/v1/revocations', basic('ops', ADMIN), { token });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  const answeredAt = Date.now();
  // The revoking replica honours it at once; the others through their mirrors fed by pub/sub.
  const own = await decideLogged(a, token, read('/workspace/m'));
  assert.equal(own.body.outcome, 'invalid_token');
  assert.deepEqual(own.body.reasons, ['token_revoked']);
  const firstCheck: Record<string, string | undefined> = {};
  const honouredAt = new Map<string, number>();
  await eventually(async () => {
    for (const r of [b, c]) {
      if (honouredAt.has(r.name)) continue;
      const d = await decideLogged(r, token, read('/workspace/m'));
      firstCheck[r.name] ??= d.body.outcome;
      if (d.body.outcome === 'invalid_token') honouredAt.set(r.name, Date.now() - answeredAt);
    }
    return honouredAt.size === 2;
  }, 'the other replicas refuse the revoked token', 5_000);
  console.log(`replicas: revocation honoured (ms after the revoking answer) ${JSON.stringify(Object.fromEntries(honouredAt))}; first check on the others: ${JSON.stringify(firstCheck)}`);
});

test('the caller-failure throttle is shared: failures on one replica get 429 on another within 5 s', { skip: skip() }, async () => {
  const [a, b, c] = replicas as [Replica, Replica, Replica];
  const wrong = basic('files-mcp', 'not-the-secret');
  const attempt = (r: Replica) => post(r, '/v1/decisions', wrong, { token: 't', server: 'files', action: { method: 'tools/list' } });
  for (let i = 0; i < MAX_FAILURES; i++) assert.equal((await attempt(a)).status, 401);
  const reachedAt = Date.now();
  // Each probe of b adds a failure, but the limit was already reached on a alone.
  let probes = 0;
  let refused: Answer | undefined;
  await eventually(async () => {
    probes++;
    const res = await attempt(b);
    if (res.status === 429) refused = res;
    return res.status === 429;
  }, 'replica b refuses further failures', 5_000);
  assert.equal(refused?.body.code, 'too_many_failures');
  console.log(`replicas: throttle shared, b answered 429 ${Date.now() - reachedAt} ms after a's ${MAX_FAILURES}th failure, on probe ${probes}`);
  assert.equal((await attempt(c)).status, 429);
  // The right secret is still served by every replica.
  const token = await idp.sign({ aud: FILES, sub: 'alice', scope: 'mcp:read' });
  for (const r of replicas) assert.equal((await decideLogged(r, token, read('/workspace/x'))).status, 200);
});

test('decision logs from all replicas reach the sink exactly once within 30 s', { skip: skip() }, async () => {
  for (let i = 0; i < 30; i++) {
    const r = replicas[i % 3]!;
    const token = await idp.sign({ aud: FILES, sub: `user-${i}`, scope: 'mcp:read' });
    assert.equal((await decideLogged(r, token, read(`/workspace/${i}`))).status, 200);
  }
  const started = Date.now();
  const expected = new Set(answered);
  assert.equal(expected.size, answered.length);
  await eventually(() => [...expected].every((id) => sink.received.includes(id)), 'every answered decision at the sink', 30_000);
  // Late duplicates would arrive after the last record: give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const counts = new Map<string, number>();
  for (const id of sink.received) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).length;
  console.log(`replicas: ${expected.size} decisions answered by 3 replicas, ${sink.received.length} records at the sink (${counts.size} distinct, ${twice} more than once), all there ${Date.now() - started} ms after the last answer`);
  assert.equal(twice, 0, 'no record twice');
  assert.deepEqual(new Set(counts.keys()), expected, 'exactly the answered decisions');
});

test('a replica killed with SIGKILL mid-traffic loses no decision log handed to Redis (within 120 s)', { skip: skip() }, async () => {
  const victim = replicas[2]!;
  const survivors = replicas.slice(0, 2);
  const byVictim: Array<{ id: string; at: number }> = [];
  const bySurvivors: string[] = [];
  let stop = false;
  const traffic = async (r: Replica, tag: string): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const token = await idp.sign({ aud: FILES, sub: `${tag}-${i}`, scope: 'mcp:read' });
      const res = await decide(r, token, read(`/workspace/${tag}/${i}`)).catch(() => undefined);
      if (res?.status !== 200 || !res.body.decision_id) continue;
      if (r === victim) byVictim.push({ id: res.body.decision_id, at: Date.now() });
      else bySurvivors.push(res.body.decision_id);
    }
  };
  const load = replicas.map((r) => traffic(r, `kill-${r.name}`));
  await eventually(() => byVictim.length >= 40, 'the victim answered some decisions', 30_000);
  victim.process.child.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((resolve) => victim.process.child.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  stop = true;
  await Promise.all(load);

  // A record is answered before it is handed to Redis (the in-process buffer flushes every 100 ms):
  // what the victim answered in the last second before the kill may have died with it; everything
  // older was in Redis, where the survivors' workers deliver it (a batch the victim's worker held
  // comes back when BullMQ finds its job stalled).
  const handedOver = byVictim.filter((d) => d.at < killedAt - 1000).map((d) => d.id);
  const lastSecond = byVictim.filter((d) => d.at >= killedAt - 1000).map((d) => d.id);
  const must = new Set([...handedOver, ...bySurvivors]);
  const started = Date.now();
  await eventually(() => {
    const got = new Set(sink.received);
    return [...must].every((id) => got.has(id));
  }, 'every decision answered by the survivors, and by the victim more than 1 s before the kill, at the sink', 120_000);
  const got = new Set(sink.received);
  const lost = lastSecond.filter((id) => !got.has(id)).length;
  const counts = new Map<string, number>();
  for (const id of sink.received) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).length;
  console.log(`replicas: SIGKILL mid-traffic: victim answered ${byVictim.length} (${lastSecond.length} in its last second, ${lost} of those lost), survivors ${bySurvivors.length}; all required records at the sink ${Date.now() - started} ms after traffic stopped; ${twice} records delivered more than once in the whole file`);
  for (const r of survivors) assert.equal(r.process.child.exitCode, null, `replica ${r.name} still runs`);
});

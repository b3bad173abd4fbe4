// Fault soak: `npm run soak -- [--duration 3m|30s] [--rate 150]`. Paced decisions against two replicas
// (service child processes) sharing one private redis-server, while Redis is killed and restarted, the
// JWKS endpoint and the decision-log sink go down and up, and the policy changes every few seconds in
// a directory both replicas watch. Every answer is checked against the oracle: the Rego engine run
// in-process on the policy version whose revision the answer reports (every version written is kept by
// revision; each edit changes one file by rename, so every state a replica can load is a kept version,
// and the policy reads no clock, so the answer is exact). Prints counts, exits 1 on a wrong answer,
// a 5xx, or decision-log counters that do not add up.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { generateInputs, readReferenceData, type McpData } from '../bench/lib/mcp-inputs.js';
import { hashSecret } from '../service/src/callers/secrets.js';
import { startPrivateRedis } from '../test/store/redis-helpers.js';
import { startIdentityProvider } from '../test/support/identity-provider.js';
import { createServiceWorkDir, freeLocalUrl, spawnService, type ServiceProcess } from '../test/support/service-process.js';
import { REFERENCE_POLICIES } from '../test/support/decision-service.js';
import { createPolicyOracle, designInput, type PolicyOracle } from '../test/fuzz/support/oracle.js';

/**
 * The decision-log counters read from each replica's /metrics, summed over sinks and replicas. Per
 * sink: produced + replayed = delivered + spilled + dropped + pending (buffer and queue per replica;
 * the Redis backlog is shared by the replicas, so it is counted once).
 */
const LOG_STAGES = ['produced', 'delivered', 'spilled', 'replayed', 'dropped'] as const;
const LOG_COUNTERS: Record<(typeof LOG_STAGES)[number] | 'pending' | 'pendingRedis', { name: string; labels?: Record<string, string> }[]> = {
  produced: [{ name: 'mcp_authz_decision_logs_total', labels: { stage: 'produced' } }],
  delivered: [{ name: 'mcp_authz_decision_logs_total', labels: { stage: 'delivered' } }],
  spilled: [{ name: 'mcp_authz_decision_logs_total', labels: { stage: 'spilled' } }],
  replayed: [{ name: 'mcp_authz_decision_logs_total', labels: { stage: 'replayed' } }],
  dropped: [{ name: 'mcp_authz_decision_logs_total', labels: { stage: 'dropped' } }],
  pending: [{ name: 'mcp_authz_decision_logs_pending', labels: { where: 'buffer' } }, { name: 'mcp_authz_decision_logs_pending', labels: { where: 'queue' } }],
  pendingRedis: [{ name: 'mcp_authz_decision_logs_pending', labels: { where: 'redis' } }],
};

// ---- options ----------------------------------------------------------------------------------

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function seconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`--duration: "${text}" is not a duration (e.g. 30s, 3m)`);
  const n = Number(m[1]);
  return m[2] === 'm' ? n * 60 : m[2] === 'ms' ? n / 1000 : n;
}

const DURATION_S = seconds(option('--duration', '3m'));
const RATE = Number(option('--rate', '150'));
const DRAIN_S = Number(option('--drain', '30'));

// ---- policy versions --------------------------------------------------------------------------

const BASE_REGO = readFileSync(join(REFERENCE_POLICIES, 'mcp/authz.rego'), 'utf8');
const BASE_DATA = readReferenceData();
const TOOLS = Object.values(BASE_DATA.servers).flatMap((s) => Object.keys(s.tools));

/** Version n of the policy: data versions rotate the deny list and paths; rego versions add a rule. */
function policyVersion(n: number): { rego: string; data: McpData } {
  const data = structuredClone(BASE_DATA);
  // The clock never enters an answer: the oracle cannot know the replica's `context.time`.
  for (const server of Object.values(data.servers)) for (const tool of Object.values(server.tools)) delete tool.business_hours;
  data.deny_tools = ['shell_exec', TOOLS[Math.floor(n / 2) % TOOLS.length]!];
  data.allowed_paths = n % 4 < 2 ? ['/workspace/**', '/srv/shared/**'] : ['/workspace/**'];
  const paused = ['globex', 'initech', 'nobody'][Math.ceil(n / 2) % 3];
  const rego = `${BASE_REGO}\n# soak version ${Math.ceil(n / 2)}\ndeny contains "soak: organization paused" if {\n\tinput.subject.claims.org == "${paused}"\n\tinput.action.method == "tools/call"\n}\n`;
  return { rego, data };
}

interface PolicyStore {
  dir: string;
  oracles: Map<string, PolicyOracle>;
  /** Writes version n (only the file that changed, by rename) and records its oracle. */
  write(n: number): Promise<void>;
  versions: number;
  /** Revision of the last version written. */
  latest: string;
}

async function createPolicyStore(root: string): Promise<PolicyStore> {
  const dir = join(root, 'policies');
  mkdirSync(join(dir, 'mcp'), { recursive: true });
  const oracles = new Map<string, PolicyOracle>();
  const snapshot = async (n: number, rego: string, data: string): Promise<string> => {
    const snap = join(root, 'versions', String(n));
    mkdirSync(join(snap, 'mcp'), { recursive: true });
    writeFileSync(join(snap, 'mcp/authz.rego'), rego);
    writeFileSync(join(snap, 'mcp/data.json'), data);
    const oracle = await createPolicyOracle(snap);
    oracles.set(oracle.revision, oracle);
    return oracle.revision;
  };
  const place = (name: string, text: string): void => {
    const tmp = join(root, `.${name}.next`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, 'mcp', name));
  };
  let current = policyVersion(0);
  const text = (v: { rego: string; data: McpData }) => ({ rego: v.rego, data: `${JSON.stringify(v.data, null, 2)}\n` });
  place('authz.rego', text(current).rego);
  place('data.json', text(current).data);
  const store: PolicyStore = {
    dir,
    oracles,
    versions: 1,
    latest: await snapshot(0, text(current).rego, text(current).data),
    async write(n) {
      const next = policyVersion(n);
      // One file per edit: the data changes on even versions, the rego on odd ones.
      const mixed = n % 2 === 0 ? { rego: current.rego, data: next.data } : { rego: next.rego, data: current.data };
      store.latest = await snapshot(n, text(mixed).rego, text(mixed).data);
      if (n % 2 === 0) place('data.json', text(mixed).data);
      else place('authz.rego', text(mixed).rego);
      current = mixed;
      store.versions += 1;
    },
  };
  return store;
}

// ---- decision-log sink ------------------------------------------------------------------------

interface Sink {
  url: string;
  down: boolean;
  ids: Set<string>;
  posts: number;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const sink: Sink = { url: '', down: false, ids: new Set(), posts: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (sink.down) {
        res.writeHead(503).end();
        return;
      }
      sink.posts += 1;
      try {
        for (const r of JSON.parse(Buffer.concat(chunks).toString('utf8')) as { decision_id: string }[]) sink.ids.add(r.decision_id);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`;
  sink.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return sink;
}

// ---- metrics and memory -----------------------------------------------------------------------

function counter(text: string, selectors: (typeof LOG_COUNTERS)['produced']): number | undefined {
  let found = false;
  let sum = 0;
  for (const { name, labels } of selectors) {
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (!m || m[1] !== name) continue;
      const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (labels && Object.entries(labels).some(([k, v]) => have[k] !== v)) continue;
      found = true;
      sum += Number(m[3]);
    }
  }
  return found ? sum : undefined;
}

function rssMiB(pid: number | undefined): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

// ---- the run ----------------------------------------------------------------------------------

interface Tally {
  sent: number;
  answered: number;
  allow: number;
  deny: number;
  invalidToken: number;
  wrong: number;
  limitDenies: number;
  unknownRevision: number;
  status4xx: number;
  status5xx: number;
  failClosed503: number;
  networkErrors: number;
  ids: Set<string>;
  revisions: Set<string>;
  firstWrong?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'mcp-authz-soak-'));
  // Persistent like a production Redis that holds queued decision logs: a kill loses nothing acknowledged.
  const redis = await startPrivateRedis({ persistent: true });
  const idp = await startIdentityProvider({ alg: 'RS256' });
  const sink = await startSink();
  const policies = await createPolicyStore(root);
  const SECRET = 'soak-caller-secret-0123456789';
  const resources = { github: 'https://github.soak.test/mcp', files: 'https://files.soak.test/mcp' };
  const replicas: { url: string; proc: ServiceProcess }[] = [];
  for (const name of ['a', 'b']) {
    const url = await freeLocalUrl();
    const work = createServiceWorkDir(`soak-${name}`, (dir) => JSON.stringify({
      logging: { level: 'warn' },
      redis: { url: redis.url, key_prefix: 'soak:' },
      policies: { watch: true },
      tokens: { jwks: { cooldown_seconds: 1, cache_max_age_seconds: 5 } },
      decision_logs: { spill_path: join(dir, 'spill.jsonl'), sinks: [{ type: 'http', name: 'soak', url: sink.url, timeout_ms: 2000 }] },
      issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri, algorithms: ['RS256'] }],
      servers: [{ id: 'github', resource: resources.github }, { id: 'files', resource: resources.files }],
      callers: [{ id: 'soak', secret_hashes: [hashSecret(SECRET)], servers: ['github', 'files'] }],
    }));
    const proc = spawnService(url, work, { POLICY_DIR: policies.dir });
    replicas.push({ url, proc });
  }
  const cleanup = async (): Promise<void> => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await Promise.all([redis.stop(), idp.close(), sink.close()]);
    rmSync(root, { recursive: true, force: true });
  };
  for (const r of replicas) {
    if (!(await r.proc.waitReady(120_000))) {
      console.error(`replica ${r.url} did not become ready:\n${r.proc.output()}`);
      await cleanup();
      return 1;
    }
  }

  // Subjects: scopes, roles and organisations the reference policy tells apart.
  const scopeSets = ['', 'mcp:read', 'mcp:read mcp:write', 'mcp:write', 'mcp:read mcp:write mcp:admin'];
  const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => idp.sign({
    sub: `user-${i}`, client_id: 'soak-client', aud: [resources.github, resources.files], scope: scopeSets[i % scopeSets.length],
    roles: [[], ['viewer'], ['admin']][i % 3], org: ['acme', 'globex', 'initech'][i % 3], exp: Math.floor(Date.now() / 1000) + 3600 + DURATION_S,
  })));
  const claimsOf = tokens.map((t) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>);
  const inputs = generateInputs(BASE_DATA, 5000, 7);
  const authorization = `Basic ${Buffer.from(`soak:${SECRET}`).toString('base64')}`;
  const tally: Tally = {
    sent: 0, answered: 0, allow: 0, deny: 0, invalidToken: 0, wrong: 0, limitDenies: 0, unknownRevision: 0, status4xx: 0, status5xx: 0, failClosed503: 0, networkErrors: 0,
    ids: new Set(), revisions: new Set(),
  };
  const peakRss = replicas.map(() => 0);
  const events: string[] = [];
  const log = (what: string): void => {
    events.push(what);
  };

  async function one(i: number): Promise<void> {
    const input = inputs[i % inputs.length]!;
    const t = (i * 7) % tokens.length;
    const server = input.server.id as keyof typeof resources;
    const context = { client_ip: input.context.client_ip };
    const replica = replicas[i % replicas.length]!;
    let res: Response;
    try {
      res = await fetch(`${replica.url}/v1/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ token: tokens[t], server, action: input.action, context }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      tally.networkErrors += 1;
      return;
    }
    const text = await res.text();
    if (res.status >= 500) {
      if (res.status === 503 && text.includes('fail')) tally.failClosed503 += 1;
      else tally.status5xx += 1;
      return;
    }
    if (res.status !== 200) {
      tally.status4xx += 1;
      return;
    }
    const answer = JSON.parse(text) as { decision_id: string; outcome: string; allow: boolean; policy_revision: string; reasons?: string[] };
    tally.answered += 1;
    tally.ids.add(answer.decision_id);
    if (answer.outcome === 'invalid_token') {
      tally.invalidToken += 1;
      return;
    }
    tally.revisions.add(answer.policy_revision);
    if (answer.allow) tally.allow += 1;
    else tally.deny += 1;
    // A request that ran out of its evaluation budget is denied by design (fail closed), not judged.
    if (!answer.allow && answer.reasons?.some((r) => r.startsWith('evaluation_limit_exceeded')) === true) {
      tally.limitDenies += 1;
      return;
    }
    const oracle = policies.oracles.get(answer.policy_revision);
    if (oracle === undefined) {
      tally.unknownRevision += 1;
      tally.firstWrong ??= `unknown policy_revision ${answer.policy_revision}`;
      return;
    }
    const expected = oracle.allows(designInput(idp.issuer, claimsOf[t]!, { id: server, resource: resources[server] }, input.action, context, Date.now()));
    if (expected !== answer.allow || answer.allow !== (answer.outcome === 'allow')) {
      tally.wrong += 1;
      tally.firstWrong ??= JSON.stringify({ answer, action: input.action, claims: claimsOf[t] });
    }
  }

  // Faults, each on its own period so their overlaps vary; every one ends restored.
  const started = Date.now();
  const stopAt = started + DURATION_S * 1000;
  const faults: Promise<void>[] = [];
  const every = (periodMs: number, offsetMs: number, action: (n: number) => Promise<void>): void => {
    faults.push((async () => {
      await sleep(offsetMs);
      for (let n = 1; Date.now() + periodMs / 2 < stopAt; n++) {
        await action(n);
        await sleep(periodMs);
      }
    })());
  };
  const window = (ms: number) => sleep(Math.min(ms, Math.max(0, stopAt - Date.now())));
  every(15_000, 4_000, async (n) => {
    log(`redis kill #${n}`);
    await redis.stop();
    await window(4_000);
    await redis.start();
  });
  every(12_000, 7_000, async () => {
    idp.down = true;
    await window(5_000);
    idp.down = false;
  });
  every(10_000, 2_000, async () => {
    sink.down = true;
    await window(4_000);
    sink.down = false;
  });
  every(3_000, 1_500, async (n) => {
    await policies.write(n);
  });
  const sampler = setInterval(() => replicas.forEach((r, i) => {
    peakRss[i] = Math.max(peakRss[i]!, rssMiB(r.proc.child.pid) ?? 0);
  }), 500);

  // Open-loop pacing: request i is due at start + i/rate, whatever earlier answers do.
  const total = Math.round(RATE * DURATION_S);
  const inflight = new Set<Promise<void>>();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE) + 1);
      while (tally.sent < due) {
        const p = one(tally.sent++);
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      if (tally.sent < total) setTimeout(tick, 5);
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  await Promise.all(faults);
  idp.down = false;
  sink.down = false;

  // Drain: everything is up again; wait until the replicas' log counters stop moving (or DRAIN_S).
  const read = async () => Promise.all(replicas.map((r) => fetch(`${r.url}/metrics`).then((res) => res.text(), () => '')));
  let texts = await read();
  let lastDelivered = -1;
  for (let waited = 0; waited < DRAIN_S; waited += 2) {
    await sleep(2000);
    texts = await read();
    const delivered = sink.ids.size;
    if (delivered === lastDelivered && tally.ids.size <= delivered) break;
    lastDelivered = delivered;
  }
  clearInterval(sampler);
  const finalRevisions = await Promise.all(replicas.map((r) => fetch(`${r.url}/v1/policies`, { headers: { authorization } }).then((res) => res.json() as Promise<{ revision?: string }>, () => ({} as { revision?: string }))));

  // ---- report ----
  const per = (sel: (typeof LOG_COUNTERS)['produced']) => texts.map((t) => counter(t, sel) ?? 0);
  const stages = Object.fromEntries(LOG_STAGES.map((stage) => [stage, per(LOG_COUNTERS[stage]).reduce((a, b) => a + b, 0)])) as Record<(typeof LOG_STAGES)[number], number>;
  const pendingLocal = per(LOG_COUNTERS.pending).reduce((a, b) => a + b, 0);
  // The Redis backlog is one for all replicas, and each replica's gauge is only the latest figure
  // it read; the backlog's own totals in Redis are the figure at the end.
  const pendingRedis = await redisBacklog(redis.url);
  const gaugeRedis = Math.max(0, ...per(LOG_COUNTERS.pendingRedis));
  const show = (v: number): string => String(v);
  const undelivered = [...tally.ids].filter((id) => !sink.ids.has(id)).length;
  const inflow = stages.produced + stages.replayed;
  const accounted = stages.delivered + stages.spilled + stages.dropped + pendingLocal + pendingRedis;
  const sumsOk = stages.produced > 0 && inflow === accounted;
  const sums = `${sumsOk ? 'ok' : 'MISMATCH'}: produced+replayed ${inflow} vs delivered+spilled+dropped+pending ${accounted}`;
  const failing = tally.wrong + tally.unknownRevision > 0 || tally.status5xx > 0 || !sumsOk;
  const lines = [
    `soak: ${DURATION_S}s at ${RATE} req/s over 2 replicas; faults: ${events.filter((e) => e.startsWith('redis')).length} redis kills, JWKS and sink outages, ${policies.versions} policy versions`,
    `decisions: sent ${tally.sent}, answered ${tally.answered} (allow ${tally.allow}, deny ${tally.deny}, invalid_token ${tally.invalidToken})`,
    `wrong answers vs oracle: ${tally.wrong}; fail-closed evaluation-limit denies (not judged): ${tally.limitDenies}; unknown policy revisions: ${tally.unknownRevision}${tally.firstWrong ? `; first: ${tally.firstWrong}` : ''}`,
    `revisions seen in answers: ${tally.revisions.size} of ${policies.oracles.size} written; last written ${policies.latest.slice(0, 12)}, final per replica ${finalRevisions.map((r) => (r.revision ?? '?').slice(0, 12)).join(', ')}`,
    `http: 4xx ${tally.status4xx}, 5xx ${tally.status5xx} (fail-closed 503 ${tally.failClosed503}), network errors ${tally.networkErrors}`,
    `decision logs (replica counters): produced ${show(stages.produced)}, delivered ${show(stages.delivered)}, spilled ${show(stages.spilled)}, replayed ${show(stages.replayed)}, dropped ${show(stages.dropped)}, pending ${pendingLocal} + redis ${pendingRedis} (replica gauges read ${gaugeRedis}); sums ${sums}`,
    `decision logs (sink): ${sink.ids.size} distinct ids in ${sink.posts} posts; answered ids not at the sink: ${undelivered}`,
    `peak RSS (MiB): ${peakRss.map((m, i) => `replica ${'ab'[i]} ${m.toFixed(1)}`).join(', ')}`,
    `result: ${failing ? 'FAIL' : 'ok'}`,
  ];
  console.log(lines.join('\n'));
  await cleanup();
  return failing ? 1 : 0;
}

process.exitCode = await main();

/** Records still queued in Redis for any sink: the sum of the backlog totals the replicas keep there. */
async function redisBacklog(url: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let total = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', '*:backlog:*:totals', 'COUNT', 100);
      cursor = next;
      for (const key of keys) total += Number(await client.hget(key, 'records')) || 0;
    } while (cursor !== '0');
    return total;
  } finally {
    client.disconnect();
  }
}

// Decisions benchmark (one run): POST /v1/decisions on a cache hit and on a cache miss (every request
// a distinct RS256 token, so neither the token cache nor the decision cache helps), next to an
// express hello-world and a bare node:http endpoint served by the same child process.
// 1. Throughput and p50/p99 under autocannon (closed loop, CONNECTIONS connections).
// 2. Latency at a fixed 1,000 req/s, paced open loop (bench/lib/paced-load.ts): requests go out on an
//    even schedule and latency counts from each request's due time. autocannon's own fixed-rate mode
//    (overallRate) is printed beside it: it sends each connection's per-second quota back to back at
//    the start of every second and back-fills latency samples for a 1 ms expected interval, so its
//    p99 describes those bursts rather than a steady 1,000 req/s.
// The service runs with in-memory stores unless BENCH_REDIS_URL is set, with no decision-log sink
// unless BENCH_DECISION_LOG names a JSONL file, and logs at `info`, the default level of a
// production deployment (BENCH_LOG_LEVEL overrides it).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import type { JWK } from 'jose';
import { pacedLoad, type PacedLoadResult } from './lib/paced-load.js';
import { BENCH_ACTION, BENCH_AUTHORIZATION, BENCH_SERVER, createBenchIssuer, serveBenchService, spawnTarget } from './lib/service-target.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const FIXED_RATE = 1000;
const FIXED_SECONDS = Number(process.env.BENCH_FIXED_SECONDS ?? 5);
const MISS_REQUESTS = Number(process.env.BENCH_MISS_REQUESTS ?? 5000);
const HEADERS = { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION };
const HELLO_BODY = '{"hello":"world"}';

interface Ports {
  hello: number;
  bare: number;
  service: number;
}

/** Child process: the three endpoints, so the load generators in the parent do not share their CPU. */
async function serveTargets(): Promise<void> {
  const listen = (server: ReturnType<typeof createServer>): Promise<number> =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

  const app = express();
  app.disable('x-powered-by');
  app.post('/hello', express.json(), (_req, res) => res.json({ hello: 'world' }));
  const hello = await listen(createServer(app));

  const bare = await listen(createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(HELLO_BODY);
    });
  }));

  const service = await serveBenchService(JSON.parse(process.env.BENCH_JWK!) as JWK);
  process.stdout.write(`${JSON.stringify({ hello, bare, service } satisfies Ports)}\n`);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function cannon(options: autocannon.Options): Promise<Figures> {
  const r = await autocannon({ connections: CONNECTIONS, ...options });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

function post(url: string, body: string, extra: Partial<autocannon.Options> = {}): autocannon.Options {
  return { url, method: 'POST', headers: HEADERS, body, ...extra };
}

const decisionBody = (token: string): string => JSON.stringify({ token, server: BENCH_SERVER, action: BENCH_ACTION });

/** autocannon requests whose body carries the next token of the pool (each token used once). */
function distinctTokens(url: string, tokens: string[], extra: Partial<autocannon.Options>): autocannon.Options {
  let next = 0;
  return {
    url,
    headers: HEADERS,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: decisionBody(tokens[next++ % tokens.length]!) }) }],
    ...extra,
  };
}

/** Hands out consecutive, never reused slices of the token pool. */
function pool(tokens: string[]): (n: number) => string[] {
  let used = 0;
  return (n) => {
    if (used + n > tokens.length) throw new Error('token pool exhausted');
    used += n;
    return tokens.slice(used - n, used);
  };
}

const ms = (n: number, width = 9): string => n.toFixed(2).padStart(width);
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)} %`;

export async function run(): Promise<void> {
  const issuer = await createBenchIssuer();
  const fixedCount = FIXED_RATE * FIXED_SECONDS;
  // Throughput miss run, autocannon's fixed-rate run, paced warm-up (1 s) and paced run.
  const poolSize = MISS_REQUESTS + CONNECTIONS + fixedCount + FIXED_RATE + fixedCount;
  process.stderr.write(`signing ${poolSize} distinct RS256 tokens…\n`);
  const take = pool(await Promise.all(Array.from({ length: poolSize }, (_, i) => issuer.sign(i))));
  const hitBody = decisionBody(await issuer.sign(-1));

  const script = fileURLToPath(import.meta.url);
  const { ready: ports, stop } = await spawnTarget<Ports>(script, { BENCH_DECISIONS_ROLE: 'target', BENCH_JWK: JSON.stringify(issuer.jwk) }, '{"hello":');
  const base = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
  const helloUrl = base(ports.hello, '/hello');
  const bareUrl = base(ports.bare, '/');
  const decisionsUrl = base(ports.service, '/v1/decisions');
  try {
    process.stderr.write('warming up…\n');
    for (const url of [helloUrl, bareUrl, decisionsUrl]) await cannon(post(url, hitBody, { duration: 1 }));

    process.stderr.write(`throughput: ${CONNECTIONS} connections × ${DURATION_S}s each…\n`);
    const hello = await cannon(post(helloUrl, HELLO_BODY, { duration: DURATION_S }));
    const bare = await cannon(post(bareUrl, HELLO_BODY, { duration: DURATION_S }));
    const hit = await cannon(post(decisionsUrl, hitBody, { duration: DURATION_S }));
    const miss = await cannon(distinctTokens(decisionsUrl, take(MISS_REQUESTS + CONNECTIONS), { amount: MISS_REQUESTS }));

    process.stderr.write(`fixed rate: ${FIXED_RATE} req/s × ${FIXED_SECONDS}s each…\n`);
    const paced = (url: string, body: (i: number) => string): Promise<PacedLoadResult> =>
      pacedLoad({ url, rate: FIXED_RATE, seconds: FIXED_SECONDS, headers: HEADERS, body });
    const bareFixed = await paced(bareUrl, () => HELLO_BODY);
    const helloFixed = await paced(helloUrl, () => HELLO_BODY);
    const hitFixed = await paced(decisionsUrl, () => hitBody);
    const warm = take(FIXED_RATE);
    await pacedLoad({ url: decisionsUrl, rate: FIXED_RATE, seconds: 1, headers: HEADERS, body: (i) => decisionBody(warm[i]!) });
    const missTokens = take(fixedCount);
    const missFixed = await paced(decisionsUrl, (i) => decisionBody(missTokens[i]!));
    const burstFixed = await cannon(distinctTokens(decisionsUrl, take(fixedCount), { overallRate: FIXED_RATE, amount: fixedCount }));

    const sink = process.env.BENCH_DECISION_LOG ? `JSONL decision log ${process.env.BENCH_DECISION_LOG}` : 'no decision-log sink';
    console.log(`decisions bench: store ${process.env.BENCH_REDIS_URL ? 'redis' : 'memory'}; ${sink}; node ${process.version}`);
    console.log(`\nthroughput (autocannon, ${CONNECTIONS} connections, ${DURATION_S}s; miss: ${MISS_REQUESTS} requests)`);
    console.log(`${'case'.padEnd(40)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
    const rows: Array<[string, Figures]> = [
      ['node:http bare POST', bare],
      ['express hello-world POST', hello],
      ['decision, cache hit', hit],
      ['decision, cache miss (distinct RS256)', miss],
    ];
    for (const [name, f] of rows) console.log(`${name.padEnd(40)}${f.rps.toFixed(0).padStart(10)}${ms(f.p50)}${ms(f.p99)}${String(f.errors).padStart(8)}`);

    console.log(`\nlatency at ${FIXED_RATE} req/s, paced open loop (${FIXED_SECONDS}s; ms from each request's due time)`);
    console.log(`${'case'.padEnd(40)}${'req/s'.padStart(10)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'p99.9'.padStart(9)}${'max'.padStart(9)}${'errors'.padStart(8)}${'gen late p99'.padStart(14)}`);
    const fixedRows: Array<[string, PacedLoadResult]> = [
      ['node:http bare POST', bareFixed],
      ['express hello-world POST', helloFixed],
      ['decision, cache hit', hitFixed],
      ['decision, cache miss (distinct RS256)', missFixed],
    ];
    for (const [name, f] of fixedRows) {
      console.log(`${name.padEnd(40)}${f.rps.toFixed(0).padStart(10)}${ms(f.p50)}${ms(f.p99)}${ms(f.p999)}${ms(f.max)}${String(f.errors).padStart(8)}${ms(f.lateP99, 14)}`);
    }
    console.log(`${'autocannon overallRate, cache miss'.padEnd(40)}${burstFixed.rps.toFixed(0).padStart(10)}${ms(burstFixed.p50)}${ms(burstFixed.p99)}${'-'.padStart(9)}${'-'.padStart(9)}${String(burstFixed.errors).padStart(8)}`);

    console.log('\nratios');
    console.log(`cache hit / express throughput:     ${pct(hit.rps, hello.rps)}  (goal ≥ 90 %)`);
    console.log(`cache hit / node:http throughput:   ${pct(hit.rps, bare.rps)}`);
    console.log(`cache miss / express throughput:    ${pct(miss.rps, hello.rps)}`);
    console.log(`cache miss p99 @ ${FIXED_RATE} req/s, paced:   ${missFixed.p99.toFixed(2)} ms  (goal ≤ 5 ms); ${(missFixed.p99 / bareFixed.p99).toFixed(2)}× the bare endpoint's ${bareFixed.p99.toFixed(2)} ms, ${(missFixed.p99 / helloFixed.p99).toFixed(2)}× express's ${helloFixed.p99.toFixed(2)} ms`);
    console.log(`cache miss p99 @ ${FIXED_RATE} req/s, autocannon overallRate (bursts): ${burstFixed.p99.toFixed(2)} ms`);
  } finally {
    await stop();
  }
}

if (process.env.BENCH_DECISIONS_ROLE === 'target') await serveTargets();

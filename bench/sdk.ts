// SDK benchmark: per-call cost of client.decide() on a local cache hit and on a miss (the real
// service on localhost, in a child process), median and p99 µs, next to a bare keep-alive
// node:http POST of the same request to the same endpoint. AUTHZ_URL (+ AUTHZ_CLIENT_ID,
// AUTHZ_CLIENT_SECRET, AUTHZ_BENCH_TOKEN, AUTHZ_BENCH_SERVER) points it at a running service instead.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { createAuthzClient } from '../sdk/src/index.js';
import {
  BENCH_ACTION, BENCH_CLIENT_ID, BENCH_SECRET, BENCH_SERVER, createBenchIssuer, serveBenchService, spawnTarget,
} from './lib/service-target.js';
import { fmt, quantile } from './lib/stats.js';

const HITS = Number(process.env.BENCH_SDK_HITS ?? 50_000);
const MISSES = Number(process.env.BENCH_SDK_MISSES ?? 3_000);
async function timeCalls(count: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(1000, count); i++) await call(i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples;
}

function rawPost(agent: http.Agent, url: URL, body: string, authorization: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path: '/v1/decisions', method: 'POST', agent, headers: {
      authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
    } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function run(): Promise<void> {
  const external = process.env.AUTHZ_URL;
  const issuer = external ? undefined : await createBenchIssuer();
  const started = issuer
    ? await spawnTarget<{ port: number }>(fileURLToPath(import.meta.url), { BENCH_SDK_ROLE: 'target', BENCH_JWK: JSON.stringify(issuer.jwk) }, '{"port":')
    : undefined;
  const url = external ?? `http://127.0.0.1:${started!.ready.port}`;
  const clientId = process.env.AUTHZ_CLIENT_ID ?? BENCH_CLIENT_ID;
  const clientSecret = process.env.AUTHZ_CLIENT_SECRET ?? BENCH_SECRET;
  const token = process.env.AUTHZ_BENCH_TOKEN ?? (await issuer!.sign(0));
  const server = process.env.AUTHZ_BENCH_SERVER ?? BENCH_SERVER;
  const action = BENCH_ACTION;
  const client = createAuthzClient({ url, clientId, clientSecret });
  try {
    const hit = await timeCalls(HITS, () => client.decide({ token, server, action, context: { client_ip: '127.0.0.1' } }));
    // A distinct context per call defeats both the SDK's cache and the service's decision cache.
    const miss = await timeCalls(MISSES, (i) => client.decide({ token, server, action, context: { client_ip: `10.${i >> 16 & 255}.${i >> 8 & 255}.${i & 255}`, run: Date.now() } }));
    const agent = new http.Agent({ keepAlive: true });
    const authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const raw = await timeCalls(MISSES, (i) => rawPost(agent, new URL(url), JSON.stringify({ token, server, action, context: { client_ip: `10.0.0.${i & 255}`, run: Date.now() } }), authorization));
    agent.destroy();
    console.log(`sdk bench (${external ? `service at ${external}` : 'the service on localhost in a child process, reference policies'}; node ${process.version})`);
    console.log('case                                   median µs     p99 µs   samples');
    const row = (name: string, samples: number[]) => console.log(`${name.padEnd(36)}${fmt(quantile(samples, 0.5))} ${fmt(quantile(samples, 0.99))} ${String(samples.length).padStart(9)}`);
    row('decide(), local cache hit', hit);
    row('decide(), cache miss (HTTP)', miss);
    row('bare keep-alive POST (baseline)', raw);
    console.log(`SDK overhead on a miss ≈ ${(quantile(miss, 0.5) - quantile(raw, 0.5)).toFixed(1)} µs (median, miss − baseline); goal for a hit: ≤ 20 µs`);
  } finally {
    client.close();
    await started?.stop();
  }
}

if (process.env.BENCH_SDK_ROLE === 'target') {
  const port = await serveBenchService(JSON.parse(process.env.BENCH_JWK!) as JWK);
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

// SDK benchmark: per-call cost of client.decide() on a local cache hit and on a miss (service on
// localhost), median and p99 µs, next to a bare keep-alive node:http POST to the same endpoint.
// Without AUTHZ_URL a minimal stand-in answering a fixed decision runs in a child process, so the
// miss figure is SDK + loopback HTTP; with AUTHZ_URL (+ AUTHZ_CLIENT_ID/AUTHZ_CLIENT_SECRET,
// AUTHZ_BENCH_TOKEN, AUTHZ_BENCH_SERVER) the real service answers.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createAuthzClient } from '../sdk/src/index.js';
import { fmt, quantile } from './lib/stats.js';

const HITS = Number(process.env.BENCH_SDK_HITS ?? 50_000);
const MISSES = Number(process.env.BENCH_SDK_MISSES ?? 3_000);

const standIn = `
import http from 'node:http';
const body = JSON.stringify({ decision_id: 'bench', outcome: 'allow', allow: true, reasons: ['allowed'], ttl_seconds: 30,
  policy_revision: 'bench', subject: { sub: 'bench', client_id: 'bench', scopes: ['mcp:read'] } });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startStandIn(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', standIn], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, child };
}

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

async function main(): Promise<void> {
  const external = process.env.AUTHZ_URL;
  const started = external ? undefined : await startStandIn();
  const url = external ?? started!.url;
  const clientId = process.env.AUTHZ_CLIENT_ID ?? 'bench';
  const clientSecret = process.env.AUTHZ_CLIENT_SECRET ?? 'bench';
  const token = process.env.AUTHZ_BENCH_TOKEN ?? 'bench-token';
  const server = process.env.AUTHZ_BENCH_SERVER ?? 'files';
  const action = { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/README.md' } };
  const client = createAuthzClient({ url, clientId, clientSecret });
  try {
    const hit = await timeCalls(HITS, () => client.decide({ token, server, action, context: { client_ip: '127.0.0.1' } }));
    // A distinct context per call defeats the local cache but not the service's work.
    const miss = await timeCalls(MISSES, (i) => client.decide({ token, server, action, context: { client_ip: `10.${i >> 16 & 255}.${i >> 8 & 255}.${i & 255}`, run: Date.now() } }));
    const agent = new http.Agent({ keepAlive: true });
    const authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const raw = await timeCalls(MISSES, (i) => rawPost(agent, new URL(url), JSON.stringify({ token, server, action, context: { client_ip: `10.0.0.${i & 255}`, run: Date.now() } }), authorization));
    agent.destroy();
    console.log(`sdk bench (${external ? `service at ${external}` : 'stand-in service in a child process'}; node ${process.version})`);
    console.log('case                                   median µs     p99 µs   samples');
    const row = (name: string, samples: number[]) => console.log(`${name.padEnd(36)}${fmt(quantile(samples, 0.5))} ${fmt(quantile(samples, 0.99))} ${String(samples.length).padStart(9)}`);
    row('decide(), local cache hit', hit);
    row('decide(), cache miss (HTTP)', miss);
    row('bare keep-alive POST (baseline)', raw);
    console.log(`SDK overhead on a miss ≈ ${(quantile(miss, 0.5) - quantile(raw, 0.5)).toFixed(1)} µs (median, miss − baseline); goal for a hit: ≤ 20 µs`);
  } finally {
    client.close();
    started?.child.kill();
  }
}

await main();

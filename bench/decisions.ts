// Decisions benchmark (autocannon, one run): throughput and p50/p99 of POST /v1/decisions on a cache
// hit and on a cache miss (every request a distinct RS256 token), next to an express hello-world and
// a bare node:http endpoint served by the same child process; then the miss p99 at a fixed 1,000 req/s.
// The service runs with in-memory stores unless BENCH_REDIS_URL is set, and logs at `info`, the
// default level of a production deployment (BENCH_LOG_LEVEL overrides it); its log lines go to the
// target's stdout, which the parent drains.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { hashSecret } from '../service/src/callers/secrets.js';
import { resolveConfig } from '../service/src/config/load.js';
import { startService } from '../service/src/main.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const FIXED_RATE = 1000;
const FIXED_SECONDS = 5;
const MISS_REQUESTS = Number(process.env.BENCH_MISS_REQUESTS ?? 6000);
const ISSUER = 'https://bench-issuer.test';
const RESOURCE = 'https://files.bench.test/mcp';
const SECRET = 'bench-caller-secret-0123456789';
const AUTHORIZATION = `Basic ${Buffer.from(`files-mcp:${SECRET}`).toString('base64')}`;
const ACTION = { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/README.md' } };

interface Ports {
  hello: number;
  bare: number;
  service: number;
}

/** Child process: the three endpoints, so autocannon in the parent does not share their CPU. */
async function serveTargets(): Promise<void> {
  const jwk = JSON.parse(process.env.BENCH_JWK!) as JWK;
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
      res.end('{"hello":"world"}');
    });
  }));

  const config = resolveConfig({
    http: { port: 0, auth_throttle: { max_failures: 1_000_000, window_seconds: 1 } },
    logging: { level: process.env.BENCH_LOG_LEVEL ?? 'info' },
    ...(process.env.BENCH_REDIS_URL ? { redis: { url: process.env.BENCH_REDIS_URL, key_prefix: `mcp-authz-bench:${process.pid}:` } } : {}),
    policies: { dir: fileURLToPath(new URL('../policies', import.meta.url)), watch: false },
    issuers: [{ issuer: ISSUER, jwks: { keys: [jwk] }, algorithms: ['RS256'] }],
    servers: [{ id: 'files', resource: RESOURCE }],
    callers: [{ id: 'files-mcp', secret_hashes: [hashSecret(SECRET)], servers: ['files'] }],
  });
  const running = await startService({ config });
  const service = Number(new URL(running.url).port);
  process.stdout.write(`${JSON.stringify({ hello, bare, service } satisfies Ports)}\n`);
  process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
}

async function startTargets(jwk: JWK): Promise<{ ports: Ports; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_DECISIONS_ROLE: 'target', BENCH_JWK: JSON.stringify(jwk) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<Ports>((resolve, reject) => {
    let text: string | undefined = '';
    // Log lines share stdout with the ports line; everything after it is read and dropped.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (text === undefined) return;
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith('{"hello":'));
      if (line) {
        text = undefined;
        resolve(JSON.parse(line) as Ports);
      }
    });
    child.once('exit', (code) => reject(new Error(`target process exited with ${code}`)));
  });
  return { ports, child };
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
  return { url, method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTHORIZATION }, body, ...extra };
}

/** Requests whose body carries the next token of the pool (each token used once). */
function distinctTokens(url: string, tokens: string[], extra: Partial<autocannon.Options>): autocannon.Options {
  let next = 0;
  return {
    url,
    headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
    requests: [{
      method: 'POST',
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ token: tokens[next++ % tokens.length], server: 'files', action: ACTION }) }),
    }],
    ...extra,
  };
}

export async function run(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const sign = (i: number) => new SignJWT({ sub: `user-${i}`, aud: RESOURCE, scope: 'mcp:read', exp })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
    .setIssuer(ISSUER)
    .sign(privateKey);
  const poolSize = MISS_REQUESTS + FIXED_RATE * FIXED_SECONDS + 2 * CONNECTIONS;
  const tokens = await Promise.all(Array.from({ length: poolSize }, (_, i) => sign(i)));
  const missThroughputTokens = tokens.slice(0, MISS_REQUESTS + CONNECTIONS);
  const missFixedTokens = tokens.slice(MISS_REQUESTS + CONNECTIONS);
  const hitBody = JSON.stringify({ token: await sign(-1), server: 'files', action: ACTION });

  const { ports, child } = await startTargets(jwk);
  const base = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
  try {
    const decisionsUrl = base(ports.service, '/v1/decisions');
    // Warm-up: JIT, keys, the hit entry.
    for (const url of [base(ports.hello, '/hello'), base(ports.bare, '/'), decisionsUrl]) await cannon(post(url, hitBody, { duration: 1 }));

    const hello = await cannon(post(base(ports.hello, '/hello'), '{"hello":"world"}', { duration: DURATION_S }));
    const bare = await cannon(post(base(ports.bare, '/'), '{"hello":"world"}', { duration: DURATION_S }));
    const hit = await cannon(post(decisionsUrl, hitBody, { duration: DURATION_S }));
    const miss = await cannon(distinctTokens(decisionsUrl, missThroughputTokens, { amount: MISS_REQUESTS }));
    const fixed = await cannon(distinctTokens(decisionsUrl, missFixedTokens, { overallRate: FIXED_RATE, amount: FIXED_RATE * FIXED_SECONDS }));

    const rows: Array<[string, Figures]> = [
      ['node:http bare POST', bare],
      ['express hello-world POST', hello],
      ['decision, cache hit', hit],
      ['decision, cache miss (distinct RS256)', miss],
      [`decision, cache miss @ ${FIXED_RATE} req/s`, fixed],
    ];
    console.log(`decisions bench: ${CONNECTIONS} connections, ${DURATION_S}s per throughput run, ${MISS_REQUESTS} miss requests; store ${process.env.BENCH_REDIS_URL ? 'redis' : 'memory'}; node ${process.version}`);
    console.log(`${'case'.padEnd(40)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
    for (const [name, f] of rows) {
      console.log(`${name.padEnd(40)}${f.rps.toFixed(0).padStart(10)}${f.p50.toFixed(2).padStart(9)}${f.p99.toFixed(2).padStart(9)}${String(f.errors).padStart(8)}`);
    }
    const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
    console.log(`cache hit / express:     ${pct(hit.rps, hello.rps)}  (goal ≥ 90 %)`);
    console.log(`cache hit / node:http:   ${pct(hit.rps, bare.rps)}`);
    console.log(`cache miss / express:    ${pct(miss.rps, hello.rps)}`);
    console.log(`cache miss / node:http:  ${pct(miss.rps, bare.rps)}`);
    console.log(`cache miss p99 @ ${FIXED_RATE} req/s: ${fixed.p99.toFixed(2)} ms  (goal ≤ 5 ms)`);
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.env.BENCH_DECISIONS_ROLE === 'target') await serveTargets();

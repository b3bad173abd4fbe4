// `npm run bench -- tokens`: jose verify cost per algorithm (µs/op), then the introspection
// endpoint's throughput (autocannon) next to an express hello-world measured in the same run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import express from 'express';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { pino } from 'pino';
import { hashSecret } from '../service/src/callers/secrets.js';
import { resolveConfig } from '../service/src/config/load.js';
import { createService } from '../service/src/main.js';
import { fmt } from './lib/stats.js';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const ISSUER = 'https://bench-idp.test';
const RESOURCE = 'https://bench.mcp.test/mcp';
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function keyAndToken(alg: (typeof ALGORITHMS)[number]) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ iss: ISSUER, sub: 'bench', aud: RESOURCE, scope: 'mcp:read', iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg, kid: `k-${alg}` })
    .sign(privateKey);
  return { publicKey, jwk: { ...(await exportJWK(publicKey)), kid: `k-${alg}`, alg }, token };
}

async function verifyCost(): Promise<void> {
  console.log('jose jwtVerify, µs/op (single thread)');
  for (const alg of ALGORITHMS) {
    const { publicKey, token } = await keyAndToken(alg);
    const options = { issuer: ISSUER, audience: RESOURCE, algorithms: [alg] };
    for (let i = 0; i < 200; i++) await jwtVerify(token, publicKey, options);
    const n = alg.startsWith('RS') || alg.startsWith('PS') ? 3_000 : 5_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) await jwtVerify(token, publicKey, options);
    const us = ((performance.now() - start) * 1000) / n;
    console.log(`  ${alg.padEnd(6)} ${fmt(us)} µs/op  (${n} ops)`);
  }
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, ...options });
}

async function throughput(): Promise<void> {
  const { jwk, token } = await keyAndToken('RS256');
  const secret = 'bench-caller-secret';
  const raw = (cacheTtl: number): Record<string, unknown> => ({
    cache: { token_max_ttl_seconds: cacheTtl },
    issuers: [{ issuer: ISSUER, jwks: { keys: [jwk] }, algorithms: ['RS256'] }],
    servers: [{ id: 'bench', resource: RESOURCE }],
    callers: [{ id: 'bench-rs', secret_hashes: [hashSecret(secret)], servers: ['bench'] }],
    logging: { level: 'silent' },
  });
  const hello = express();
  hello.get('/', (_req, res) => res.json({ hello: 'world' }));
  const baseline = await listen(hello);
  const cached = createService({ config: resolveConfig(raw(300)), logger: pino({ level: 'silent' }) });
  const uncached = createService({ config: resolveConfig(raw(0)), logger: pino({ level: 'silent' }) });
  const cachedServer = await listen(cached.app);
  const uncachedServer = await listen(uncached.app);
  // autocannon takes the path from the URL.
  const path = '/oauth2/introspect';
  const post = {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`bench-rs:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  };
  try {
    console.log(`\nthroughput, ${CONNECTIONS} connections × ${DURATION_S}s each (autocannon, same process)`);
    const base = await load(baseline.url);
    const hot = await load(cachedServer.url + path, post);
    const cold = await load(uncachedServer.url + path, post);
    const row = (name: string, r: autocannon.Result): void => {
      const ratio = r.requests.average / base.requests.average;
      console.log(`  ${name.padEnd(42)} ${fmt(r.requests.average, 0)} req/s  p50 ${fmt(r.latency.p50, 1)} ms  p99 ${fmt(r.latency.p99, 1)} ms  ratio ${ratio.toFixed(2)}  (non-2xx ${r.non2xx}, errors ${r.errors})`);
    };
    row('express hello-world (baseline)', base);
    row('POST /oauth2/introspect, RS256, cached', hot);
    row('POST /oauth2/introspect, RS256, verify each', cold);
  } finally {
    for (const s of [baseline.server, cachedServer.server, uncachedServer.server]) s.close();
    await cached.close();
    await uncached.close();
  }
}

export async function run(): Promise<void> {
  await verifyCost();
  await throughput();
}

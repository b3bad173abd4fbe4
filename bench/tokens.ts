// `npm run bench -- tokens`: verify cost per algorithm (µs/op) of the service's token validator
// (node:crypto signature check, no cache) next to jose's jwtVerify (WebCrypto) on the same tokens,
// then the introspection endpoint's throughput (autocannon) next to an express hello-world.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import express from 'express';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { pino } from 'pino';
import { hashSecret } from '../service/src/callers/secrets.js';
import { resolveConfig } from '../service/src/config/load.js';
import { createRegistry } from '../service/src/config/registry.js';
import { createService } from '../service/src/main.js';
import { createTokenValidator, lowSSpelling } from '../service/src/tokens/index.js';
import { fmt } from './lib/stats.js';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const ISSUER = 'https://bench-idp.test';
const RESOURCE = 'https://bench.mcp.test/mcp';
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function keyAndToken(alg: (typeof ALGORITHMS)[number]) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const now = Math.floor(Date.now() / 1000);
  // ES256 in its low-S spelling, the only one the service accepts by default.
  const token = lowSSpelling(await new SignJWT({ iss: ISSUER, sub: 'bench', aud: RESOURCE, scope: 'mcp:read', iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg, kid: `k-${alg}` })
    .sign(privateKey));
  return { publicKey, jwk: { ...(await exportJWK(publicKey)), kid: `k-${alg}`, alg }, token };
}

/** Mean µs per call of `verify` over `n` distinct tokens, after a warm-up on 200 others. */
async function timePerOp(tokens: string[], n: number, verify: (token: string) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await verify(tokens[n + i]!);
  const start = performance.now();
  for (let i = 0; i < n; i++) await verify(tokens[i]!);
  return ((performance.now() - start) * 1000) / n;
}

async function verifyCost(): Promise<void> {
  console.log('verify one access token, µs/op (sequential, each token distinct, no cache)');
  console.log(`  ${'alg'.padEnd(6)}${'validator'.padStart(12)}${'jose'.padStart(12)}${'ratio'.padStart(8)}`);
  for (const alg of ALGORITHMS) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: `k-${alg}`, alg };
    const n = alg.startsWith('RS') || alg.startsWith('PS') ? 2_000 : 1_500;
    const now = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all(Array.from({ length: n + 200 }, async (_, i) =>
      lowSSpelling(await new SignJWT({ iss: ISSUER, sub: `bench-${i}`, aud: RESOURCE, scope: 'mcp:read', iat: now, exp: now + 3600 })
        .setProtectedHeader({ alg, kid: `k-${alg}` })
        .sign(privateKey))));
    // token_max_ttl_seconds 0: every call verifies.
    const config = resolveConfig({
      cache: { token_max_ttl_seconds: 0 },
      issuers: [{ issuer: ISSUER, jwks: { keys: [jwk] }, algorithms: [alg] }],
      servers: [{ id: 'bench', resource: RESOURCE }],
    });
    const validator = createTokenValidator({ config, registry: createRegistry(config) });
    const server = config.servers[0]!;
    const ours = await timePerOp(tokens, n, async (t) => {
      const r = await validator.validateForServer(t, server);
      if (!r.valid) throw new Error(`bench token refused: ${r.reason}`);
    });
    const options = { issuer: ISSUER, audience: RESOURCE, algorithms: [alg] };
    const jose = await timePerOp(tokens, n, (t) => jwtVerify(t, publicKey, options));
    console.log(`  ${alg.padEnd(6)}${fmt(ours, 2).padStart(12)}${fmt(jose, 2).padStart(12)}${(ours / jose).toFixed(2).padStart(8)}  (${n} tokens)`);
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

// The real service as a benchmark target: a generated RS256 issuer, the reference policies and one
// registered caller, run in a child process so the load generator does not share its CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { resolveConfig } from '../../service/src/config/load.js';
import { startService } from '../../service/src/main.js';
import { deleteKeys } from '../../test/store/redis-helpers.js';

export const BENCH_ISSUER = 'https://bench-issuer.test';
export const BENCH_RESOURCE = 'https://files.bench.test/mcp';
export const BENCH_SERVER = 'files';
export const BENCH_CLIENT_ID = 'files-mcp';
export const BENCH_SECRET = 'bench-caller-secret-0123456789';
export const BENCH_AUTHORIZATION = `Basic ${Buffer.from(`${BENCH_CLIENT_ID}:${BENCH_SECRET}`).toString('base64')}`;
export const BENCH_ACTION = { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/README.md' } };

export interface BenchIssuer {
  jwk: JWK;
  /** An access token for the bench server; `i` makes each token distinct. */
  sign(i: number): Promise<string>;
}

/** A fresh RS256 key pair and a signer of one-hour access tokens for the bench server. */
export async function createBenchIssuer(): Promise<BenchIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const sign = (i: number) =>
    new SignJWT({ sub: `user-${i}`, aud: BENCH_RESOURCE, scope: 'mcp:read', exp })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
      .setIssuer(BENCH_ISSUER)
      .sign(privateKey);
  return { jwk, sign };
}

/** Starts the service for the bench issuer's key (in the child); returns its port. */
export async function serveBenchService(jwk: JWK): Promise<number> {
  const config = resolveConfig({
    http: { port: 0, auth_throttle: { max_failures: 1_000_000, window_seconds: 1 } },
    logging: { level: process.env.BENCH_LOG_LEVEL ?? 'info' },
    ...(process.env.BENCH_REDIS_URL ? { redis: { url: process.env.BENCH_REDIS_URL, key_prefix: process.env.BENCH_REDIS_PREFIX ?? `mcp-authz-bench:${process.pid}:` } } : {}),
    policies: { dir: fileURLToPath(new URL('../../policies', import.meta.url)), watch: false },
    // BENCH_DECISION_LOG=<file>: every decision also goes to a JSONL decision-log sink (as in production).
    ...(process.env.BENCH_DECISION_LOG ? { decision_logs: { sinks: [{ type: 'jsonl', path: process.env.BENCH_DECISION_LOG }] } } : {}),
    issuers: [{ issuer: BENCH_ISSUER, jwks: { keys: [jwk] }, algorithms: ['RS256'] }],
    servers: [{ id: BENCH_SERVER, resource: BENCH_RESOURCE }],
    callers: [{ id: BENCH_CLIENT_ID, secret_hashes: [hashSecret(BENCH_SECRET)], servers: [BENCH_SERVER] }],
  });
  const running = await startService({ config });
  process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
  return Number(new URL(running.url).port);
}

export interface Target<T> {
  ready: T;
  child: ChildProcess;
  /** Stops the child and, with BENCH_REDIS_URL, deletes the keys it wrote (its own prefix). */
  stop(): Promise<void>;
}

/**
 * Runs `script` (a bench file) again as a child with `env`, and waits for the JSON line that starts
 * with `marker` on its stdout (log lines share stdout; everything after the marker is drained).
 */
export async function spawnTarget<T>(script: string, env: Record<string, string>, marker: string): Promise<Target<T>> {
  const prefix = `mcp-authz-bench:${randomBytes(6).toString('hex')}:`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=mcp-authz-source', script], {
    env: { ...process.env, BENCH_REDIS_PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<T>((resolve, reject) => {
    let text: string | undefined = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (text === undefined) return;
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith(marker));
      if (line) {
        text = undefined;
        resolve(JSON.parse(line) as T);
      }
    });
    child.once('exit', (code) => reject(new Error(`target process exited with ${code}`)));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (process.env.BENCH_REDIS_URL) await deleteKeys(process.env.BENCH_REDIS_URL, prefix);
  };
  return { ready, child, stop };
}

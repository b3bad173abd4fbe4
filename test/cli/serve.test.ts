// The `mcp-authz` program as `npm start` runs it: boots with no Redis and no configuration, serves
// /healthz, stops cleanly on SIGTERM; invalid configuration exits 1 naming the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CLI } from '../support/cli-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['REDIS_URL', 'AUTHZ_CONFIG', 'AUTHZ_JWT_ISSUER', 'AUTHZ_CLIENTS', 'AUTHZ_SERVERS', 'AUTHZ_ADMIN_KEYS']) delete env[name];
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('serve with no Redis and no configuration answers /healthz, then stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [...CLI, 'serve'], { cwd: ROOT, env: cleanEnv({ PORT: '0', HOST: '127.0.0.1' }) });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('close', () => reject(new Error(`exited early: ${out}`)));
  });
  const res = await fetch(`${url}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /"msg":"shutting down"/);
});

test('serve exits 1 and names the key when the configuration is invalid', async () => {
  const { code, stderr } = await run(['serve'], cleanEnv({ PORT: '99999' }));
  assert.equal(code, 1);
  assert.match(stderr, /http\.port \(from PORT\): must be <= 65535/);
});

test('clients add prints a secret once and the configuration line with its SHA-256', async () => {
  const { code, stdout } = await run(['clients', 'add', 'github-mcp', '--server', 'github'], cleanEnv({}));
  assert.equal(code, 0);
  const secret = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
  assert.ok(secret, stdout);
  const hash = createHash('sha256').update(secret).digest('hex');
  assert.ok(stdout.includes(`- { id: github-mcp, role: resource_server, secret_hashes: ["sha256:${hash}"], servers: [github] }`), stdout);
});

test('unknown commands and bad usage exit 2', async () => {
  assert.equal((await run(['nope'], cleanEnv({}))).code, 2);
  assert.equal((await run(['clients', 'add', 'x'], cleanEnv({}))).code, 2);
});

// `mcp-authz token` and `serve --dev-issuer` as a user runs them in one working directory: the
// token is trusted by a service started with the flag, and by no service started without it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLocalUrl } from '../support/service-process.js';
import { CLI } from '../support/cli-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESOURCE = 'https://files.mcp.test/mcp';
const SECRET = 'files-mcp-secret-for-the-token-test';
const cwd = mkdtempSync(join(tmpdir(), 'mcp-authz-token-'));

after(() => rmSync(cwd, { recursive: true, force: true }));

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['REDIS_URL', 'AUTHZ_CONFIG', 'AUTHZ_JWT_ISSUER', 'AUTHZ_JWT_JWKS_URI', 'AUTHZ_ADMIN_KEYS']) delete env[name];
  return env;
}

function mint(...args: string[]): string {
  const r = spawnSync(process.execPath, [...CLI, 'token', ...args], { cwd, encoding: 'utf8', env: cleanEnv({}) });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return r.stdout.trim();
}

/** Starts `serve` in the scratch directory; returns its URL and a stop function. */
async function serve(args: string[]): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const url = await freeLocalUrl();
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], {
    cwd,
    env: cleanEnv({
      PORT: new URL(url).port, HOST: '127.0.0.1', POLICY_DIR: join(ROOT, 'policies'),
      AUTHZ_SERVERS: `files=${RESOURCE}`, AUTHZ_CLIENTS: `files-mcp:${SECRET}:files`,
    }),
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Listening, or exited (then the assertion below shows why); the runner's timeout bounds the wait.
  await new Promise<void>((resolve) => {
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/"msg":"listening"/.test(output)) resolve();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    void exited.then(resolve);
  });
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  if (!/"msg":"listening"/.test(output)) {
    await stop();
    assert.fail(`serve did not start:\n${output}`);
  }
  return { url, output: () => output, stop };
}

async function decide(url: string, token: string, tool: string, args: Record<string, unknown>): Promise<{ outcome: string; reasons: string[] }> {
  const res = await fetch(`${url}/v1/decisions`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`files-mcp:${SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token, server: 'files', action: { method: 'tools/call', tool, arguments: args } }),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { outcome: string; reasons: string[] };
}

test('serve --dev-issuer trusts the tokens that `token` mints in the same directory', async () => {
  const reader = mint('--aud', RESOURCE, '--sub', 'bob', '--scope', 'mcp:read');
  const admin = mint('--aud', RESOURCE, '--sub', 'carol', '--scope', 'mcp:admin', '--claim', 'roles=["admin"]', '--ttl', '15m');
  const service = await serve(['--dev-issuer']);
  try {
    assert.match(service.output(), /trusting the development issuer https:\/\/dev-issuer\.mcp-authz\.invalid/);
    assert.equal((await decide(service.url, reader, 'read_file', { path: '/workspace/a' })).outcome, 'allow');
    const denied = await decide(service.url, reader, 'write_file', { path: '/workspace/a', content: '' });
    assert.deepEqual([denied.outcome, denied.reasons], ['deny', ['tool "write_file" needs scope mcp:write']]);
    assert.equal((await decide(service.url, admin, 'run_backup', {})).outcome, 'allow');
  } finally {
    await service.stop();
  }
});

test('without --dev-issuer the same tokens are invalid: never trusted by default', async () => {
  const reader = mint('--aud', RESOURCE, '--sub', 'bob', '--scope', 'mcp:read');
  const service = await serve([]);
  try {
    assert.equal((await decide(service.url, reader, 'read_file', { path: '/workspace/a' })).outcome, 'invalid_token');
  } finally {
    await service.stop();
  }
});

test('serve --dev-issuer is refused when NODE_ENV is production', () => {
  const r = spawnSync(process.execPath, [...CLI, 'serve', '--dev-issuer'], { cwd, encoding: 'utf8', env: cleanEnv({ NODE_ENV: 'production', PORT: '0' }) });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--dev-issuer is refused when NODE_ENV is production/);
});

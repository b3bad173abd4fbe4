// The packages as npm users get them: `npm pack` of every workspace package, the tarballs installed
// into a fresh project outside the repository (no workspace links), then (a) plain node runs a
// consumer's MCP server protected by the SDK against the installed service, (b) the installed
// `mcp-authz` command works through npx, (c) the consumer's code type-checks strictly against the
// published declarations. One project serves all three; run-tests.mjs runs this file in its own pass.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { AUTHZ_DENIED_CODE } from '@mcp-authz/sdk';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { createServiceWorkDir, freeLocalUrl, spawnService, type ServiceProcess, type ServiceWorkDir } from '../support/service-process.js';
import { SHARED_REDIS_URL as redisUrl, deleteKeys } from '../store/redis-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['contract', 'sdk', 'service'] as const;
const scratch = mkdtempSync(join(tmpdir(), 'mcp-authz-packaging-'));
const project = join(scratch, 'consumer');
const prefix = `mcp-authz-test:${process.env.MCP_AUTHZ_TEST_RUN ?? 'local'}:packaging:`;

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
const installedVersion = (name: string) => readJson(join(ROOT, 'node_modules', name, 'package.json')).version;

// npm's own variables from an enclosing `npm test` (workspace, prefix...) must not steer these runs.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

function run(command: string, args: readonly string[], cwd: string): string {
  const res = spawnSync(command, args, { cwd, env: npmEnv, encoding: 'utf8' });
  assert.equal(res.status, 0, `${command} ${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

before(() => {
  // Packing builds each package (prepack); the contract first, since the others compile against it.
  for (const name of PACKAGES) run('npm', ['pack', '--pack-destination', scratch], join(ROOT, name));
  const tarballs = readdirSync(scratch).filter((f) => f.endsWith('.tgz'));
  const dependencies: Record<string, string> = {};
  for (const name of PACKAGES) {
    const pkg = readJson(join(ROOT, name, 'package.json'));
    const tarball = `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`;
    assert.ok(tarballs.includes(tarball), `npm pack made ${tarball} (found ${tarballs.join(', ')})`);
    dependencies[pkg.name] = `file:../${tarball}`;
  }
  // What the consumer itself uses, at the versions this repository is tested with.
  for (const name of ['@modelcontextprotocol/sdk', 'express', '@types/node']) dependencies[name] = installedVersion(name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  for (const file of ['server.mjs', 'decide.ts', 'tsconfig.json']) copyFileSync(join(ROOT, 'test/packaging/fixtures/consumer', file), join(project, file));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test('the install holds the packages themselves, not links, and no TypeScript runner', () => {
  for (const name of PACKAGES) {
    const dir = join(project, 'node_modules/@mcp-authz', name);
    assert.ok(existsSync(join(dir, 'dist/index.js')) && existsSync(join(dir, 'dist/index.d.ts')), `${name}: compiled output`);
    assert.equal(existsSync(join(dir, 'src')), false, `${name}: no sources shipped`);
  }
  assert.equal(existsSync(join(project, 'node_modules/tsx')), false, 'tsx is not installed');
});

test('(c) tsc --noEmit passes on the consumer code: strict, exactOptionalPropertyTypes, skipLibCheck false', () => {
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], project);
});

test('(b) npx mcp-authz --version and check <dir> run from the installed tarball', () => {
  assert.equal(run('npx', ['--no-install', 'mcp-authz', '--version'], project).trim(), readJson(join(ROOT, 'service/package.json')).version);
  run('npx', ['--no-install', 'mcp-authz', 'check', join(ROOT, 'policies')], project);
  const bad = spawnSync('npx', ['--no-install', 'mcp-authz', 'check', join(ROOT, 'test/cli/fixtures/bad-syntax')], { cwd: project, env: npmEnv, encoding: 'utf8' });
  assert.equal(bad.status, 1, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stdout + bad.stderr, /bad-syntax\/[\w.-]+\.rego:\d+/);
});

describe('(a) plain node runs an MCP server protected by the SDK, deciding with the installed service', () => {
  const secret = randomBytes(24).toString('hex');
  let idp: IdentityProvider;
  let workDir: ServiceWorkDir;
  let service: ServiceProcess;
  let server: ChildProcess;
  let origin: string;
  const clients: Client[] = [];

  before(async () => {
    idp = await startIdentityProvider({ alg: 'RS256' });
    const serviceUrl = await freeLocalUrl();
    origin = await freeLocalUrl();
    workDir = createServiceWorkDir('packaging', () => `redis:\n  url: ${redisUrl}\n  key_prefix: "${prefix}"\nlogging:\n  level: warn\n`);
    const bin = join(project, 'node_modules/@mcp-authz/service/bin/mcp-authz.mjs');
    service = spawnService(serviceUrl, workDir, {
      AUTHZ_JWT_ISSUER: idp.issuer,
      AUTHZ_JWT_JWKS_URI: idp.jwksUri,
      AUTHZ_JWT_ALGORITHMS: 'RS256',
      AUTHZ_SERVERS: `files=${origin}/mcp`,
      AUTHZ_CLIENTS: `files-mcp:${secret}:files`,
    }, { args: [bin], cwd: project });
    assert.ok(await service.waitReady(), `installed service became ready: ${service.output().slice(-800)}`);
    server = spawn(process.execPath, ['server.mjs'], {
      cwd: project,
      env: { ...npmEnv, MCP_ORIGIN: origin, AUTHZ_URL: serviceUrl, AUTHZ_CLIENT_ID: 'files-mcp', AUTHZ_CLIENT_SECRET: secret, AUTHZ_ISSUER: idp.issuer },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening')) resolve();
      });
      server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}:\n${output}`)));
    });
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    if (server?.exitCode === null) await new Promise((resolve) => server.once('exit', resolve).kill());
    await service?.stop();
    await idp?.close();
    workDir?.remove();
    await deleteKeys(redisUrl, prefix);
  });

  async function connect(claims: Record<string, unknown>): Promise<Client> {
    const token = await idp.sign({ aud: `${origin}/mcp`, ...claims });
    const client = new Client({ name: 'packaging-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  }

  test('no token: 401 with the protected resource metadata challenge', async () => {
    const res = await fetch(`${origin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /resource_metadata=/);
  });

  test('the policy decides: tools are filtered, a permitted call runs, a denied call gets the documented error', async () => {
    const reader = await connect({ sub: 'bob', roles: ['viewer'] });
    assert.deepEqual((await reader.listTools()).tools.map((t) => t.name), ['read_file']);
    const alice = await connect({ sub: 'alice', scope: 'mcp:read mcp:write' });
    const read = await alice.callTool({ name: 'read_file', arguments: { path: '/workspace/README.md' } });
    assert.deepEqual(read.content, [{ type: 'text', text: 'contents' }]);
    await assert.rejects(alice.callTool({ name: 'write_file', arguments: { path: '/etc/passwd', content: 'x' } }), (error: McpError) => {
      assert.equal(error.code, AUTHZ_DENIED_CODE);
      return true;
    });
  });
});

// `mcp-authz build`, run as a user runs it: the reference policies become a signed OPA bundle that the
// service accepts and that decides as the policy directory does.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTarGz } from '../../service/src/bundles/index.js';
import { resolveConfig } from '../../service/src/config/index.js';
import { buildPolicyInput } from '../../service/src/decisions/index.js';
import { createRecordingMetrics, silentLogger } from '../../service/src/hooks/index.js';
import { createDecisionRuntime } from '../../service/src/runtime/index.js';
import { rsaKeys } from '../bundles/helpers.js';
import { CLI } from '../support/cli-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('build --signing-key writes a signed bundle of the reference policies that the service serves', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-build-'));
  dirs.push(dir);
  const keys = rsaKeys();
  await writeFile(join(dir, 'key.pem'), keys.privatePem);
  const out = join(dir, 'bundle.tar.gz');
  const r = spawnSync(process.execPath, [...CLI, 'build', '--signing-key', join(dir, 'key.pem'), '--signing-key-id', 'ci', '--revision', 'rel-7', '-o', out, 'policies'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*bundle\.tar\.gz: revision rel-7, \d+ files, signed\n$/);
  assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY/);

  const names = readTarGz(await readFile(out)).map((e) => e.name);
  assert.deepEqual(names.slice(0, 2), ['.signatures.json', '.manifest']);
  assert.ok(names.some((n) => n.endsWith('.rego')));

  const metrics = createRecordingMetrics();
  const bundled = createDecisionRuntime({
    config: resolveConfig({ policies: { watch: false, bundle: { file: out, signing: { required: true, keys: [{ id: 'ci', algorithm: 'RS256', key: keys.publicPem }] } } } }),
    logger: silentLogger,
    metrics,
  });
  const plain = createDecisionRuntime({ config: resolveConfig({ policies: { watch: false, dir: 'policies' } }), logger: silentLogger, metrics: createRecordingMetrics(), cwd: root });
  try {
    await bundled.start();
    await plain.start();
    const a = bundled.policies.current();
    const b = plain.policies.current();
    assert.ok(a, JSON.stringify(bundled.policies.status()));
    assert.ok(b);
    const cases = [[['mcp:read'], 'tools/list', undefined], [['mcp:read'], 'tools/call', 'read_file'], [['mcp:read'], 'tools/call', 'write_file'], [['mcp:write'], 'tools/call', 'write_file']] as const;
    for (const [scopes, method, tool] of cases) {
      const action = { method, ...(tool ? { tool, arguments: { path: '/workspace/a.txt' } } : {}) };
      const input = buildPolicyInput({ issuer: 'https://idp.test', sub: 'u', scopes: [...scopes], claims: {} }, { id: 'files', resource: 'https://mcp.test' }, action, undefined, Date.UTC(2025, 0, 7, 12));
      assert.deepEqual(a.evaluate(input), b.evaluate(input), `${method} ${tool ?? ''}`);
    }
    // Both an allow and a deny were compared.
    assert.equal(a.evaluate(buildPolicyInput({ issuer: 'https://idp.test', scopes: ['mcp:read'], claims: {} }, { id: 'files', resource: 'https://mcp.test' }, { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/a.txt' } }, undefined, 0)).allow, true);
  } finally {
    await bundled.close();
    await plain.close();
  }
});

test('build refuses a directory whose policies do not compile, and a key that is not a private key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-build-bad-'));
  dirs.push(dir);
  await writeFile(join(dir, 'bad.rego'), 'package x\n\nallow if {');
  const broken = spawnSync(process.execPath, [...CLI, 'build', '-o', join(dir, 'b.tar.gz'), dir], { cwd: root, encoding: 'utf8' });
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /bad\.rego:\d+:\d+: rego_parse_error/);

  await writeFile(join(dir, 'pub.pem'), rsaKeys().publicPem);
  const wrongKey = spawnSync(process.execPath, [...CLI, 'build', '--signing-key', join(dir, 'pub.pem'), '-o', join(dir, 'b.tar.gz'), 'policies'], { cwd: root, encoding: 'utf8' });
  assert.equal(wrongKey.status, 1);
  assert.match(wrongKey.stderr, /pub\.pem: input_error: cannot sign with this key as RS256/);
});

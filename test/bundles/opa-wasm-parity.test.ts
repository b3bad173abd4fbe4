// With an `opa` binary on PATH: the reference policy built by `opa build -t wasm` and evaluated through
// opa-wasm decides 1,000 varied inputs exactly as the service's Rego engine does. Skipped otherwise.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWasm, loadBundleArchive } from '../../service/src/bundles/index.js';
import { buildPolicyInput, createRegoPolicyEngine, createWasmPolicyEngine } from '../../service/src/decisions/index.js';
import { createRegoCompiler, loadPolicySources, type CompiledRegoPolicy } from '../../service/src/policy/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const policies = join(root, 'policies');
const opa = spawnSync('opa', ['version'], { encoding: 'utf8' });
const skip = opa.error !== undefined || opa.status !== 0
  ? 'no `opa` binary on PATH: install OPA to compare `opa build -t wasm` output with the Rego engine'
  : false;

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A small deterministic generator, so a failure names an input that can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('opa build -t wasm and the Rego engine decide 1,000 varied inputs identically', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-opa-wasm-'));
  dirs.push(dir);
  const out = join(dir, 'bundle.tar.gz');
  const built = spawnSync('opa', ['build', '-t', 'wasm', '-e', 'mcp/authz/decision', '-e', 'mcp/authz/allow', '-o', out, policies], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);

  const loaded = await loadBundleArchive(await readFile(out), { required: false, keys: [] });
  assert.ok(loaded.wasm, 'opa build -t wasm put policy.wasm in the bundle');
  const wasm = createWasmPolicyEngine({ policy: compileWasm({ ...loaded, wasm: loaded.wasm }).wasm, revision: 'wasm' });
  const source = await loadPolicySources([policies]);
  const rego = createRegoPolicyEngine({ policy: createRegoCompiler()(source) as CompiledRegoPolicy, revision: 'rego' });

  const data = source.data as { mcp: { servers: Record<string, { tools?: Record<string, unknown>; prompts?: Record<string, unknown> }> } };
  const servers = Object.keys(data.mcp.servers);
  const random = prng(15);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const scopes = ['mcp:read', 'mcp:write', 'mcp:admin', 'openid', 'tools:call'];
  const roles = ['viewer', 'admin', 'editor'];
  const methods = ['tools/call', 'tools/list', 'prompts/get', 'prompts/list', 'resources/read', 'resources/list', 'initialize'];
  const values = ['/workspace/a.txt', '/srv/shared/x/y', '/workspace/../etc/passwd', '/etc/passwd', '../secret', 'org/repo', 'other/repo', 'main', 'feature/x', 'hello'];
  const argNames = ['path', 'repo', 'branch', 'root', 'source', 'destination', 'query'];
  for (let i = 0; i < 1000; i++) {
    const server = pick(servers);
    const tools = [...Object.keys(data.mcp.servers[server]?.tools ?? {}), 'unknown_tool'];
    const args: Record<string, unknown> = {};
    for (const name of argNames) if (random() < 0.4) args[name] = pick(values);
    const subject = {
      issuer: 'https://idp.test',
      sub: `user-${i % 7}`,
      scopes: scopes.filter(() => random() < 0.4),
      claims: random() < 0.7 ? { roles: roles.filter(() => random() < 0.35) } : {},
    };
    const method = pick(methods);
    const action = { method, ...(method === 'tools/call' || random() < 0.2 ? { tool: pick(tools), arguments: args } : {}) };
    // Hours across the day and week, for the business-hours rules.
    const now = Date.UTC(2025, 0, 5 + Math.floor(random() * 7), Math.floor(random() * 24), 30);
    const input = buildPolicyInput(subject, { id: server, resource: `https://${server}.test` }, action, undefined, now);
    assert.deepEqual(wasm.evaluate(input), rego.evaluate(input), `input ${i}: ${JSON.stringify(input)}`);
  }
});

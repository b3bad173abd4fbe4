// Policy reload: atomic swap only when load, compile and the policies' own tests pass; watch; cluster sync.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicyReloader, type CompiledPolicy, type PolicyCompiler } from '../../service/src/policy/reload.js';
import { loadPolicySources } from '../../service/src/policy/index.js';
import { buildPolicyInput } from '../../service/src/decisions/index.js';
import { createRecordingMetrics } from '../../service/src/hooks/index.js';
import { createMemoryStore, createRedisStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, testPrefix } from '../store/redis-helpers.js';

// A stand-in compiler keyed on markers in the sources, so these tests exercise reload alone:
// BROKEN → compile error, FAIL_TEST → a failing policy test, ALLOW → the decision allows.
const fakeCompile: PolicyCompiler = (loaded) => {
  const text = loaded.modules.map((m) => m.source).join('\n');
  if (text.includes('BROKEN')) {
    throw Object.assign(new Error('compile failed'), { errors: [{ code: 'rego_parse_error', message: 'unexpected token', location: { file: loaded.modules[0].path, row: 1, col: 1 } }] });
  }
  const compiled: CompiledPolicy = {
    evalRef: (ref) => (ref === 'data.mcp.authz.decision' ? { allow: text.includes('ALLOW') } : undefined),
    runTests: () => [{ name: 'data.mcp.authz_test.test_rule', passed: !text.includes('FAIL_TEST') }],
  };
  return compiled;
};

const input = buildPolicyInput({ issuer: 'i', scopes: [], claims: {} }, { id: 's', resource: 'r' }, { method: 'tools/call', tool: 't' }, undefined, 0);
const prefix = testPrefix('reload');
const dirs: string[] = [];
after(async () => {
  await deleteKeys(SHARED_REDIS_URL, prefix);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function policyDir(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-reload-'));
  dirs.push(dir);
  await mkdir(join(dir, 'mcp'), { recursive: true });
  await writeFile(join(dir, 'mcp', 'authz.rego'), source);
  await writeFile(join(dir, 'mcp', 'data.json'), '{"tools": ["a"]}');
  return dir;
}

describe('policy reload', () => {
  test('broken policy or failing policy test keeps the old revision serving', async () => {
    const dir = await policyDir('package mcp.authz # ALLOW v1');
    const metrics = createRecordingMetrics();
    const r = createPolicyReloader({ dir, load: loadPolicySources, compile: fakeCompile, watch: false, metrics });
    await r.start();
    const first = r.current();
    assert.ok(first);
    assert.equal(first.evaluate(input).allow, true);
    assert.equal(r.status().lastReload?.result, 'accepted');
    assert.deepEqual(r.status().modules, ['mcp/authz.rego']);

    await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz BROKEN');
    const broken = await r.reload();
    assert.equal(broken.result, 'compile_error');
    assert.equal(broken.errors[0].code, 'rego_parse_error');
    assert.equal(broken.errors[0].row, 1);
    assert.equal(r.current(), first, 'old revision still serves');

    await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz # ALLOW FAIL_TEST');
    const failing = await r.reload();
    assert.equal(failing.result, 'test_failure');
    assert.equal(failing.errors[0].test, 'data.mcp.authz_test.test_rule');
    assert.equal(r.current(), first);
    assert.equal(r.status().lastReload?.result, 'test_failure');

    await writeFile(join(dir, 'mcp', 'data.json'), '{not json');
    assert.equal((await r.reload()).result, 'load_error');
    await writeFile(join(dir, 'mcp', 'data.json'), '{"tools": ["a"]}');

    await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz # deny v2');
    const ok = await r.reload();
    assert.equal(ok.result, 'accepted');
    assert.notEqual(r.current()?.revision, first.revision);
    assert.equal(r.current()?.evaluate(input).allow, false);
    assert.equal((await r.reload()).result, 'unchanged');
    assert.equal(metrics.value('mcp_authz_policy_reloads_total', { result: 'compile_error' }), 1);
    assert.equal(metrics.value('mcp_authz_policy_reloads_total', { result: 'accepted' }), 2);
    await r.stop();
  });

  for (const mode of ['auto', 'poll'] as const) {
    test(`a change in the directory is picked up (${mode})`, async () => {
      const dir = await policyDir('package mcp.authz # v1');
      const r = createPolicyReloader({ dir, load: loadPolicySources, compile: fakeCompile, watchMode: mode, debounceMs: 20, pollIntervalMs: 50, store: createMemoryStore() });
      await r.start();
      const before = r.current()?.revision;
      await mkdir(join(dir, 'mcp', 'extra'), { recursive: true });
      await writeFile(join(dir, 'mcp', 'extra', 'more.rego'), 'package mcp.extra # ALLOW');
      await eventually(() => r.current()?.revision !== before, 'revision changes after a file is added');
      assert.equal(r.status().lastReload?.result, 'accepted');
      await r.stop();
    });
  }

  test('two replicas with separate directories sharing Redis converge on the accepted revision', async () => {
    const dirA = await policyDir('package mcp.authz # v1 ALLOW');
    const dirB = await policyDir('package mcp.authz # v0 (stale)');
    const storeA = createRedisStore({ url: SHARED_REDIS_URL, prefix });
    const storeB = createRedisStore({ url: SHARED_REDIS_URL, prefix });
    await storeA.waitReady(5000);
    await storeB.waitReady(5000);
    const a = createPolicyReloader({ dir: dirA, load: loadPolicySources, compile: fakeCompile, watch: false, store: storeA });
    const b = createPolicyReloader({ dir: dirB, load: loadPolicySources, compile: fakeCompile, watch: false, store: storeB });
    try {
      await a.start();
      await b.start();
      // B starts into a running cluster: it follows the announced revision.
      assert.equal(b.current()?.revision, a.current()?.revision);
      assert.equal(b.status().cluster?.matches, true);
      assert.equal(b.status().lastReload?.source, 'cluster');

      await writeFile(join(dirA, 'mcp', 'authz.rego'), 'package mcp.authz # v2');
      assert.equal((await a.reload()).result, 'accepted');
      const v2 = a.current()?.revision;
      await eventually(() => b.current()?.revision === v2, 'replica b follows the new revision');
      assert.equal(b.current()?.evaluate(input).allow, false);
      assert.equal(b.status().cluster?.matches, true);
      assert.equal(a.status().cluster?.matches, true);

      // A broken change on B is rejected locally; B keeps serving the cluster's revision.
      await writeFile(join(dirB, 'mcp', 'authz.rego'), 'BROKEN');
      assert.equal((await b.reload()).result, 'compile_error');
      assert.equal(b.current()?.revision, v2);
    } finally {
      await a.stop();
      await b.stop();
      await storeA.close();
      await storeB.close();
    }
  });
});

describe('policy reload with the Rego engine', () => {
  const policy = (extra: string) => `package mcp.authz

import rego.v1

default allow := false

allow if input.action.tool in data.mcp.tools
${extra}
`;
  const tests = `package mcp.authz_test

import rego.v1
import data.mcp.authz

test_listed_tool_allowed if authz.allow with input as {"action": {"tool": "a"}}
`;

  test('real compile errors and failing *_test.rego keep the last good revision', async () => {
    const { createRegoCompiler } = await import('../../service/src/policy/rego-compile.js');
    const dir = await policyDir(policy(''));
    await writeFile(join(dir, 'mcp', 'authz_test.rego'), tests);
    const r = createPolicyReloader({ dir, load: loadPolicySources, compile: createRegoCompiler(), watch: false });
    await r.start();
    const good = r.current();
    assert.equal(r.status().lastReload?.result, 'accepted');
    const call = (tool: string) => buildPolicyInput({ issuer: 'i', scopes: [], claims: {} }, { id: 's', resource: 'r' }, { method: 'tools/call', tool }, undefined, 0);
    assert.deepEqual(good?.evaluate(call('a')), { allow: true, reasons: [], required_scopes: [] });
    assert.equal(good?.evaluate(call('b')).allow, false);

    await writeFile(join(dir, 'mcp', 'authz.rego'), policy('allow if {'));
    const broken = await r.reload();
    assert.equal(broken.result, 'compile_error');
    assert.equal(broken.errors[0].code, 'rego_parse_error');
    assert.equal(r.current(), good);

    await writeFile(join(dir, 'mcp', 'authz.rego'), policy(''));
    await writeFile(join(dir, 'mcp', 'data.json'), '{"tools": ["z"]}');
    const failing = await r.reload();
    assert.equal(failing.result, 'test_failure');
    assert.equal(failing.errors[0].test, 'data.mcp.authz_test.test_listed_tool_allowed');
    assert.equal(r.current(), good);

    await writeFile(join(dir, 'mcp', 'authz.rego'), policy('allow if input.action.tool == "a"'));
    assert.equal((await r.reload()).result, 'accepted');
    assert.equal(r.current()?.evaluate(call('a')).allow, true);
    assert.equal(r.current()?.evaluate(call('z')).allow, true);
    await r.stop();
  });
});

// Policy reload: atomic swap only when load, compile and the policies' own tests pass; watch; cluster sync.
import { after, before, describe, test } from 'node:test';
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
import { createPolicyRepo, git, type PolicyRepo } from '../support/git-repo.js';

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

  test('two replicas sharing Redis converge on the revision most recently loaded from a source', async () => {
    const dirA = await policyDir('package mcp.authz # v1 ALLOW');
    const dirB = await policyDir('package mcp.authz # v1b (B deployed later)');
    const dirC = await policyDir('package mcp.authz # v1 ALLOW');
    const stores = [0, 1, 2].map(() => createRedisStore({ url: SHARED_REDIS_URL, prefix: `${prefix}conv:` }));
    for (const s of stores) await s.waitReady(5000);
    const metrics = createRecordingMetrics();
    const a = createPolicyReloader({ dir: dirA, load: loadPolicySources, compile: fakeCompile, watch: false, store: stores[0], metrics });
    const b = createPolicyReloader({ dir: dirB, load: loadPolicySources, compile: fakeCompile, watch: false, store: stores[1] });
    const c = createPolicyReloader({ dir: dirC, load: loadPolicySources, compile: fakeCompile, watch: false, store: stores[2] });
    try {
      await a.start();
      const v1 = a.current()?.revision;
      // C starts with the same source: it joins A, both in sync.
      await c.start();
      assert.equal(c.current()?.revision, v1);
      assert.equal(c.status().inSync, true);

      // B starts later with other content: its load is the newest, so A and C follow B.
      await b.start();
      const v1b = b.current()?.revision;
      assert.notEqual(v1b, v1);
      assert.equal(b.status().inSync, true);
      await eventually(() => a.current()?.revision === v1b && c.current()?.revision === v1b, 'A and C follow the newer load');
      assert.equal(a.status().lastReload?.source, 'cluster');
      assert.equal(a.status().inSync, false);
      assert.equal(a.status().drift, 'cluster_revision');
      assert.equal(a.status().source?.revision, v1);
      // The gauge is set just after the swap that the wait above saw.
      await eventually(() => metrics.value('mcp_authz_policy_source_drift') === 1, 'the drift gauge reads 1');

      // A's directory changes: the newest load again, everyone follows it.
      await writeFile(join(dirA, 'mcp', 'authz.rego'), 'package mcp.authz # v2');
      assert.equal((await a.reload()).result, 'accepted');
      const v2 = a.current()?.revision;
      await eventually(() => b.current()?.revision === v2 && c.current()?.revision === v2, 'B and C follow the new revision');
      assert.equal(b.current()?.evaluate(input).allow, false);
      assert.equal(b.status().cluster?.matches, true);
      assert.equal(a.status().cluster?.matches, true);
      assert.equal(a.status().inSync, true);
      await eventually(() => metrics.value('mcp_authz_policy_source_drift') === 0, 'the drift gauge reads 0');

      // Re-reading unchanged content is no new load: C's directory does not take the cluster back.
      assert.equal((await c.reload()).result, 'unchanged');
      assert.equal(c.current()?.revision, v2);

      // A broken change on B is rejected locally; B keeps serving the cluster's revision.
      await writeFile(join(dirB, 'mcp', 'authz.rego'), 'BROKEN');
      assert.equal((await b.reload()).result, 'compile_error');
      assert.equal(b.current()?.revision, v2);
      assert.equal(b.status().drift, 'source_rejected');
    } finally {
      await a.stop();
      await b.stop();
      await c.stop();
      for (const s of stores) await s.close();
    }
  });

  test('a restart with changed policies serves them over a stale current key and a stopped replica', async () => {
    const ns = `${prefix}restart:`;
    const store = createRedisStore({ url: SHARED_REDIS_URL, prefix: ns });
    await store.waitReady(5000);
    const old = await policyDir('package mcp.authz # old ALLOW');
    const first = createPolicyReloader({ dir: old, load: loadPolicySources, compile: fakeCompile, watch: false, store });
    try {
      await first.start();
      const stale = first.current()!.revision;
      await first.stop();
      // What an earlier version left behind: a "current" revision with no replica behind it.
      await store.set('policy:current', JSON.stringify({ revision: stale, replica: 'gone' }), 60_000);

      const changed = await policyDir('package mcp.authz # new');
      const next = createPolicyReloader({ dir: changed, load: loadPolicySources, compile: fakeCompile, watch: false, store });
      await next.start();
      assert.notEqual(next.current()?.revision, stale);
      assert.equal(next.current()?.revision, (await loadPolicySources([changed])).revision);
      assert.equal(next.current()?.evaluate(input).allow, false);
      assert.equal(next.status().inSync, true);
      await next.stop();
    } finally {
      await store.close();
    }
  });

  test('without a store a restart serves the directory as it is now', async () => {
    const dir = await policyDir('package mcp.authz # ALLOW before');
    const first = createPolicyReloader({ dir, load: loadPolicySources, compile: fakeCompile, watch: false });
    await first.start();
    const before = first.current()?.revision;
    await first.stop();
    await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz # after');
    const next = createPolicyReloader({ dir, load: loadPolicySources, compile: fakeCompile, watch: false });
    await next.start();
    assert.notEqual(next.current()?.revision, before);
    assert.equal(next.current()?.evaluate(input).allow, false);
    assert.equal(next.status().inSync, true);
    await next.stop();
  });

  test('a source that does not compile is reported as drift with its location', async () => {
    const dir = await policyDir('package mcp.authz # ALLOW good');
    const metrics = createRecordingMetrics();
    const r = createPolicyReloader({ dir, load: loadPolicySources, compile: fakeCompile, watch: false, metrics });
    await r.start();
    const good = r.current()?.revision;
    assert.equal(r.status().inSync, true);
    assert.equal(metrics.value('mcp_authz_policy_source_drift'), 0);

    await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz BROKEN');
    await r.reload();
    const s = r.status();
    assert.equal(s.revision, good, 'the last good revision keeps serving');
    assert.equal(s.inSync, false);
    assert.equal(s.drift, 'source_rejected');
    assert.equal(s.source?.result, 'compile_error');
    assert.equal(s.source?.revision, (await loadPolicySources([dir])).revision);
    assert.deepEqual(s.source?.errors.map((e) => `${e.file}:${e.row}:${e.col}`), ['mcp/authz.rego:1:1']);
    assert.equal(metrics.value('mcp_authz_policy_source_drift'), 1);

    await writeFile(join(dir, 'mcp', 'data.json'), '{not json');
    await r.reload();
    assert.equal(r.status().source?.result, 'load_error');
    assert.equal(r.status().source?.revision, undefined);
    assert.equal(r.status().drift, 'source_rejected');

    await writeFile(join(dir, 'mcp', 'data.json'), '{"tools": ["a"]}');
    await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz # fixed');
    assert.equal((await r.reload()).result, 'accepted');
    assert.equal(r.status().inSync, true);
    assert.equal(metrics.value('mcp_authz_policy_source_drift'), 0);
    await r.stop();
  });
});

describe('policy revision order between git checkouts', () => {
  let repo: PolicyRepo;
  before(async () => {
    repo = await createPolicyRepo();
  });
  after(() => repo.close());

  /** A full clone of the repository checked out at `commit`. */
  async function checkout(commit: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-order-'));
    dirs.push(dir);
    await git(['clone', '--quiet', repo.url, dir]);
    await git(['checkout', '--quiet', '--detach', commit], dir);
    return dir;
  }

  test('an ancestor checkout adopts the live descendant; once no replica lives, its own source wins', async () => {
    const older = await repo.commit({ 'mcp/authz.rego': 'package mcp.authz # older ALLOW' }, 'older');
    const newer = await repo.commit({ 'mcp/authz.rego': 'package mcp.authz # newer' }, 'newer');
    const ns = `${prefix}git:`;
    const stores = [0, 1, 2].map(() => createRedisStore({ url: SHARED_REDIS_URL, prefix: ns }));
    for (const s of stores) await s.waitReady(5000);
    const make = (dir: string, i: number) => createPolicyReloader({ dir, load: loadPolicySources, compile: fakeCompile, watch: false, store: stores[i], heartbeatMs: 100 });
    const live = make(await checkout(newer), 0);
    const stale = make(await checkout(older), 1);
    try {
      await live.start();
      assert.equal(live.current()?.gitCommit, newer);
      await stale.start();
      assert.equal(stale.current()?.gitCommit, newer, 'a checkout at an ancestor adopts the live descendant');
      assert.equal(stale.current()?.revision, live.current()?.revision);
      assert.equal(stale.status().source?.gitCommit, older);
      assert.equal(stale.status().drift, 'cluster_revision');
      await stale.stop();

      // The descendant's replica dies without a clean stop: its announcement expires with it.
      await stores[0].close();
      await live.stop();
      await eventually(async () => (await stores[2].get(`policy:replica:${live.replicaId}`)) === undefined, 'the dead replica\'s announcement expires');
      const restarted = make(await checkout(older), 2);
      await restarted.start();
      assert.equal(restarted.current()?.gitCommit, older, 'no live replica: the source wins');
      assert.equal(restarted.status().inSync, true);
      await restarted.stop();

      // A checkout that descends from the live revision wins over it.
      const base = make(await checkout(older), 1);
      await base.start();
      const ahead = make(await checkout(newer), 2);
      await ahead.start();
      assert.equal(ahead.current()?.gitCommit, newer);
      await eventually(() => base.current()?.gitCommit === newer, 'the ancestor replica follows the descendant');
      await base.stop();
      await ahead.stop();
    } finally {
      for (const s of stores) await s.close().catch(() => undefined);
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

// Policies from git end to end: the service clones POLICY_GIT_URL at start, the BullMQ job scheduler
// (real Redis, per-run prefix) pulls it on its interval, new commits change the served revision and
// GET /v1/policies, and a broken policy or failing policy test keeps the last good revision serving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { FILES, REFERENCE_POLICIES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { createPolicyRepo, type PolicyRepo } from '../support/git-repo.js';
import { eventually, SHARED_REDIS_URL, testPrefix } from '../store/redis-helpers.js';

let idp: IdentityProvider;
let repo: PolicyRepo;
let empty: string;
before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  repo = await createPolicyRepo();
  // The service starts from an empty policy directory: everything it serves comes from git.
  empty = mkdtempSync(join(tmpdir(), 'mcp-authz-git-empty-'));
});
after(async () => {
  await idp.close();
  repo.close();
  rmSync(empty, { recursive: true, force: true });
});

interface PolicyStatus {
  revision: string | null;
  git_commit: string | null;
  last_reload?: { result: string; reason: string; errors: Array<{ code: string; message: string; location?: string; test?: string }> };
}

async function policies(h: DecisionServiceHarness): Promise<PolicyStatus> {
  const res = await request(h.service.app).get('/v1/policies').set('authorization', h.auth('files'));
  assert.equal(res.status, 200);
  return res.body as PolicyStatus;
}

const referenceData = JSON.parse(readFileSync(join(REFERENCE_POLICIES, 'mcp', 'data.json'), 'utf8')) as {
  servers: Record<string, { tools: Record<string, unknown> }>;
};

/** The reference data with extra `files` read tools. */
function dataWith(...tools: string[]): string {
  const data = structuredClone(referenceData);
  for (const t of tools) data.servers.files.tools[t] = { kind: 'read', path_args: ['path'] };
  return `${JSON.stringify(data, null, 2)}\n`;
}

async function statFile(h: DecisionServiceHarness, tool = 'stat_file'): Promise<{ outcome: string; policy_revision: string }> {
  const token = await idp.sign({ aud: FILES, sub: 'alice', scope: 'mcp:read' });
  const res = await h.decide({ token, server: 'files', action: { method: 'tools/call', tool, arguments: { path: '/workspace/a.txt' } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { outcome: string; policy_revision: string };
}

async function start(config: Record<string, unknown>, redis: boolean): Promise<DecisionServiceHarness> {
  return startDecisionService({
    idp,
    ...(redis ? { redisUrl: SHARED_REDIS_URL } : {}),
    prefix: testPrefix('e2e-git-policies'),
    policySource: empty,
    config: { policies: { git_url: repo.url, git_branch: 'main', git_pull_interval_seconds: 1, ...config } },
  });
}

describe('policies from git', () => {
  test('the job scheduler pulls new commits; a broken policy or failing policy test keeps the old revision', async () => {
    const h = await start({}, true);
    try {
      const first = await policies(h);
      assert.equal(first.git_commit, await repo.head(), 'cloned at start');
      assert.ok(first.revision);
      assert.equal((await statFile(h)).outcome, 'deny', 'stat_file is not a known tool yet');

      // A good commit: a new tool. The scheduled pull picks it up without any explicit reload.
      const good = await repo.commit({ 'mcp/data.json': dataWith('stat_file') }, 'add stat_file');
      await eventually(async () => (await policies(h)).git_commit === good, 'the new commit is served', 20_000);
      const second = await policies(h);
      assert.notEqual(second.revision, first.revision);
      assert.equal(second.last_reload?.result, 'ok');
      const allowed = await statFile(h);
      assert.equal(allowed.outcome, 'allow');
      assert.equal(allowed.policy_revision, second.revision);

      // A commit that does not compile: the last good revision keeps serving and the error shows.
      const authz = readFileSync(join(REFERENCE_POLICIES, 'mcp', 'authz.rego'), 'utf8');
      await repo.commit({ 'mcp/authz.rego': `${authz}\nallow_broken if {\n` }, 'broken policy');
      await eventually(async () => (await policies(h)).last_reload?.reason === 'compile_error', 'the broken commit is rejected', 20_000);
      const broken = await policies(h);
      assert.equal(broken.revision, second.revision);
      assert.equal(broken.git_commit, good);
      assert.equal(broken.last_reload?.result, 'failed');
      assert.match(broken.last_reload?.errors[0].location ?? '', /^mcp\/authz\.rego:\d+:\d+$/);
      assert.equal((await statFile(h)).policy_revision, second.revision);

      // A commit whose own policy test fails: same.
      const failingTest = 'package mcp.extra_test\n\nimport rego.v1\n\ntest_always_fails if {\n\tfalse\n}\n';
      await repo.commit({ 'mcp/authz.rego': authz, 'mcp/extra_test.rego': failingTest }, 'failing policy test');
      await eventually(async () => (await policies(h)).last_reload?.reason === 'test_failure', 'the failing test is reported', 20_000);
      const failing = await policies(h);
      assert.equal(failing.revision, second.revision);
      assert.equal(failing.git_commit, good);
      assert.match(failing.last_reload?.errors[0].test ?? '', /test_always_fails/);
      const served = await statFile(h);
      assert.equal(served.outcome, 'allow');
      assert.equal(served.policy_revision, second.revision);

      const metrics = (await request(h.service.app).get('/metrics')).text;
      assert.match(metrics, /^mcp_authz_policy_reloads_total\{result="compile_error"\} [1-9]/m);
      assert.match(metrics, /^mcp_authz_policy_reloads_total\{result="test_failure"\} [1-9]/m);

      // The fix is accepted.
      const fixed = await repo.commit({ 'mcp/extra_test.rego': null, 'mcp/data.json': dataWith('stat_file', 'file_info') }, 'fix');
      await eventually(async () => (await policies(h)).git_commit === fixed, 'the fixed commit is served', 20_000);
      const last = await policies(h);
      assert.notEqual(last.revision, second.revision);
      assert.equal(last.last_reload?.result, 'ok');
      assert.equal((await statFile(h, 'file_info')).outcome, 'allow');
    } finally {
      await h.close();
    }
  });

  test('without Redis a timer pulls the configured branch', async () => {
    await repo.commit({ 'mcp/data.json': dataWith('stat_file') }, 'staging', 'staging');
    const s = await start({ git_branch: 'staging' }, false);
    try {
      const staged = await repo.head('staging');
      assert.notEqual(staged, await repo.head('main'));
      assert.equal((await policies(s)).git_commit, staged);
      assert.equal((await statFile(s)).outcome, 'allow');
      const next = await repo.commit({ 'mcp/data.json': dataWith('stat_file', 'file_info') }, 'staging 2', 'staging');
      await eventually(async () => (await policies(s)).git_commit === next, 'the timer pulled the branch', 20_000);
      assert.equal((await statFile(s, 'file_info')).outcome, 'allow');
    } finally {
      await s.close();
    }
  });
});

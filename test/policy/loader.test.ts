// Policy directory loader: opa-eval-style layout, data merging, conflicts, revision and git commit.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPolicySources, PolicyLoadError } from '../../service/src/policy/index.js';

let base: string;

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const root = join(base, name);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

async function loadError(paths: string[]): Promise<PolicyLoadError> {
  try {
    await loadPolicySources(paths);
  } catch (e) {
    assert.ok(e instanceof PolicyLoadError, `expected PolicyLoadError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the load to fail');
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'mcp-authz-loader-'));
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('loadPolicySources', () => {
  test('loads .rego files recursively and data files at their directory path', async () => {
    const root = await tree('layout', {
      'mcp/authz.rego': 'package mcp.authz\n',
      'mcp/authz_test.rego': 'package mcp.authz_test\n',
      'mcp/data.json': '{"tools": ["read"]}',
      'mcp/servers/data.yaml': 'github:\n  tools: [issues]\n',
      'data.yml': 'top: 1\n',
      'notes.json': '{"ignored": true}',
      '.git/hooks/x.rego': 'package hidden\n',
      '.cache.rego': 'package hidden\n',
    });
    const loaded = await loadPolicySources([root]);
    assert.deepEqual(loaded.modules.map((m) => m.path), [join(root, 'mcp/authz.rego'), join(root, 'mcp/authz_test.rego')]);
    assert.equal(loaded.modules[0].source, 'package mcp.authz\n');
    assert.deepEqual(JSON.parse(JSON.stringify(loaded.data)), {
      top: 1,
      mcp: { tools: ['read'], servers: { github: { tools: ['issues'] } } },
    });
    assert.deepEqual(loaded.files, [
      join(root, 'data.yml'),
      join(root, 'mcp/authz.rego'),
      join(root, 'mcp/authz_test.rego'),
      join(root, 'mcp/data.json'),
      join(root, 'mcp/servers/data.yaml'),
    ]);
    assert.match(loaded.revision, /^[0-9a-f]{64}$/);
  });

  test('accepts files named directly: a module, and a data file merged at the root', async () => {
    const root = await tree('direct', { 'p.rego': 'package p\n', 'sub/data.json': '{"a": {"b": 1}}' });
    const loaded = await loadPolicySources([join(root, 'p.rego'), join(root, 'sub/data.json')]);
    assert.deepEqual(loaded.modules, [{ path: join(root, 'p.rego'), source: 'package p\n' }]);
    assert.deepEqual(JSON.parse(JSON.stringify(loaded.data)), { a: { b: 1 } });
  });

  test('merges objects from several files and keeps big integers exact', async () => {
    const root = await tree('merge', {
      'data.json': '{"a": {"x": 1}, "big": 12345678901234567890}',
      'a/data.json': '{"y": 2}',
      'a/b/data.yaml': 'z: 3\n',
    });
    const loaded = await loadPolicySources([root]);
    assert.deepEqual(loaded.data.a, { x: 1, y: 2, b: { z: 3 } });
    assert.equal(loaded.data.big, 12345678901234567890n);
  });

  test('a key named __proto__ stays data', async () => {
    const root = await tree('proto', { 'data.json': '{"__proto__": {"polluted": true}}' });
    const loaded = await loadPolicySources([root]);
    assert.deepEqual(Object.keys(loaded.data), ['__proto__']);
    assert.equal((loaded.data as Record<string, unknown>).polluted, undefined);
  });

  test('conflicting data files fail with a code naming both files', async () => {
    const root = await tree('conflict', { 'data.json': '{"a": {"b": 1}}', 'a/data.json': '{"b": 2}' });
    const err = await loadError([root]);
    assert.equal(err.code, 'policy_data_conflict');
    assert.deepEqual([err.file, err.otherFile].sort(), [join(root, 'a/data.json'), join(root, 'data.json')]);
    assert.match(err.message, /data\.a\.b/);
    assert.ok(err.message.includes(join(root, 'a/data.json')) && err.message.includes(join(root, 'data.json')));
  });

  test('a data file that does not parse is named with its line', async () => {
    const root = await tree('bad-yaml', { 'x/data.yaml': 'a: 1\nb: [unclosed\n' });
    const err = await loadError([root]);
    assert.equal(err.code, 'policy_data_error');
    assert.equal(err.file, join(root, 'x/data.yaml'));
    assert.match(err.message, /line \d+/);
    const rootArray = await tree('root-array', { 'data.json': '[1, 2]' });
    assert.equal((await loadError([rootArray])).code, 'policy_data_error');
  });

  test('a missing or unsupported path fails with policy_load_error', async () => {
    const missing = join(base, 'nope');
    const err = await loadError([missing]);
    assert.equal(err.code, 'policy_load_error');
    assert.equal(err.file, missing);
    const root = await tree('unsupported', { 'readme.txt': 'x' });
    assert.equal((await loadError([join(root, 'readme.txt')])).code, 'policy_load_error');
  });

  test('the revision hashes content and relative paths, not the location', async () => {
    const a = await tree('rev-a', { 'p/x.rego': 'package p\n', 'p/data.json': '{"k": 1}' });
    const b = join(base, 'rev-b');
    await cp(a, b, { recursive: true });
    const [ra, rb] = await Promise.all([loadPolicySources([a]), loadPolicySources([b])]);
    assert.equal(ra.revision, rb.revision);
    await writeFile(join(b, 'p/data.json'), '{"k": 2}');
    assert.notEqual((await loadPolicySources([b])).revision, ra.revision);
    await writeFile(join(b, 'p/data.json'), '{"k": 1}');
    await writeFile(join(b, 'p/y.rego'), '');
    assert.notEqual((await loadPolicySources([b])).revision, ra.revision);
  });

  test('reports the git commit of a work tree, and none outside one', async () => {
    const root = await tree('git', { 'p.rego': 'package p\n' });
    assert.equal((await loadPolicySources([root])).gitCommit, undefined);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'x');
    const head = git('rev-parse', 'HEAD').trim();
    const loaded = await loadPolicySources([root]);
    assert.equal(loaded.gitCommit, head);
    assert.deepEqual(loaded.modules.map((m) => m.path), [join(root, 'p.rego')]);
  });
});

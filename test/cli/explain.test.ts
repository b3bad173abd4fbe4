// `mcp-authz eval --explain`: the trace and summary a person reads in a terminal, then the result set.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI } from '../support/cli-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const input = 'test/cli/fixtures/explain/missing-scope.json';

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, encoding: 'utf8' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('mcp-authz eval --explain', () => {
  test('fails (the default) shows the failed conditions, the summary, then the result', () => {
    const r = run('eval', '--explain', '-d', 'policies', '-i', input, 'data.mcp.authz.allow');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'query.rego:1                Enter data.mcp.authz.allow');
    assert.ok(lines.includes('policies/mcp/authz.rego:51  | | Fail permitted_kind(tool.kind)'), r.stdout);
    assert.ok(lines.includes('policies/mcp/authz.rego:36  | | | Fail "mcp:write" in scopes'), r.stdout);
    assert.ok(!lines.some((l) => / Eval /.test(l)), 'no eval steps in fails mode');
    assert.ok(lines.includes('  policies/mcp/authz.rego:7   data.mcp.authz.allow: default allow := false'), r.stdout);
    assert.ok(lines.includes('  policies/mcp/authz.rego:49  data.mcp.authz.allow: line 51: permitted_kind(tool.kind)'), r.stdout);
    const json = r.stdout.slice(r.stdout.indexOf('\n{') + 1);
    assert.equal(JSON.parse(json).result[0].expressions[0].value, false);
  });

  test('--explain=full shows every evaluated expression', () => {
    const r = run('eval', '--explain=full', '-d', 'policies', '-i', input, 'data.mcp.authz.allow');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^policies\/mcp\/authz\.rego:50 {2}\| \| Eval input\.action\.method in tool_methods$/m);
  });

  test('an unknown mode is a usage error', () => {
    const r = run('eval', '--explain=everything', '-d', 'policies', 'data.mcp.authz.allow');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown --explain mode everything \(fails, full, notes\)/);
  });
});

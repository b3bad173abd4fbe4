// The policy commands of the mcp-authz binary (eval, test, check), run as a user runs them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI } from '../support/cli-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = 'test/cli/fixtures';

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, encoding: 'utf8' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?/, 'a JS stack trace leaked');
}

describe('mcp-authz eval', () => {
  test('prints the result set like opa eval --format json', () => {
    const r = run('eval', '-d', `${fixtures}/good`, '-i', `${fixtures}/good/input.json`, 'data.demo.authz.allow');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      result: [{ expressions: [{ value: true, text: 'data.demo.authz.allow', location: { row: 1, col: 1 } }] }],
    });
  });

  test('reports bindings, sets as arrays and big integers exactly', () => {
    const r = run('eval', '-d', `${fixtures}/good`, '-i', `${fixtures}/good/input.json`, 'd := data.demo.authz.denied; b := data.demo.authz.big');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.result[0].bindings.d, ['rm']);
    assert.match(r.stdout, /"b": 12345678901234567890/);
    assert.deepEqual(
      out.result[0].expressions.map((e: { text: string; location: unknown }) => [e.text, e.location]),
      [
        ['d := data.demo.authz.denied', { row: 1, col: 1 }],
        ['b := data.demo.authz.big', { row: 1, col: 30 }],
      ],
    );
  });

  test('an undefined query prints {} and exits 0 (1 with --fail)', () => {
    const r = run('eval', '-d', `${fixtures}/good`, 'data.demo.authz.nothing_here');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {});
    assert.equal(run('eval', '--fail', '-d', `${fixtures}/good`, 'data.demo.authz.nothing_here').code, 1);
  });

  test('a data file named directly is merged at the root of data', () => {
    const r = run('eval', '-d', `${fixtures}/good/demo/tools/data.json`, 'data.read[0]');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).result[0].expressions[0].value, 'read_file');
  });

  test('a bad policy gives a located error, not a stack trace', () => {
    const r = run('eval', '-d', `${fixtures}/bad-syntax`, 'data.bad.allow');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad-syntax\/p\.rego:\d+:\d+: rego_parse_error: /);
    assertNoStack(r.stderr);
    assert.equal(r.stdout, '');
  });

  test('a bad query, a missing input file and bad usage are reported plainly', () => {
    const q = run('eval', '-d', `${fixtures}/good`, 'data.demo[');
    assert.equal(q.code, 1);
    assert.match(q.stderr, /rego_parse_error/);
    const i = run('eval', '-d', `${fixtures}/good`, '-i', `${fixtures}/nope.json`, 'input');
    assert.equal(i.code, 1);
    assert.match(i.stderr, /nope\.json: input_error: no such file/);
    const u = run('eval', '--bogus', 'x');
    assert.equal(u.code, 2);
    assert.match(u.stderr, /usage: mcp-authz eval/);
    for (const r of [q, i, u]) assertNoStack(r.stderr);
  });

  test('conflicting data files name both files', () => {
    const r = run('eval', '-d', `${fixtures}/data-conflict`, 'data');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /policy_data_conflict/);
    assert.match(r.stderr, /data-conflict\/a\/data\.json/);
    assert.match(r.stderr, /data-conflict\/data\.json/);
  });
});

describe('mcp-authz test', () => {
  test('passing tests print PASS lines and the summary', () => {
    const r = run('test', `${fixtures}/good`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^PASS data\.demo\.authz_test\.test_missing_scope_denied \(.+\)$|^PASS data\.demo\.authz_test\.test_read_allowed \(.+\)$/);
    assert.equal(lines.filter((l) => l.startsWith('PASS ')).length, 2);
    assert.equal(lines.at(-1), '2 passed, 0 failed');
  });

  test('a failing test prints FAIL and exits 1', () => {
    const r = run('test', `${fixtures}/failing`);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^PASS data\.failing_test\.test_double_ok /m);
    assert.match(r.stdout, /^FAIL data\.failing_test\.test_double_wrong /m);
    assert.equal(r.stdout.trim().split('\n').at(-1), '1 passed, 1 failed');
  });

  test('-r selects tests by name', () => {
    const r = run('test', '-r', 'ok$', `${fixtures}/failing`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim().split('\n').at(-1), '1 passed, 0 failed');
  });

  test('a policy that does not compile fails with its located errors', () => {
    const r = run('test', `${fixtures}/bad-syntax`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /p\.rego:\d+:\d+: rego_parse_error/);
    assertNoStack(r.stderr);
  });
});

describe('mcp-authz check', () => {
  test('a good policy directory checks silently', () => {
    const r = run('check', `${fixtures}/good`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  test('every compile error is printed with its location, source line and caret', () => {
    const r = run('check', `${fixtures}/bad-compile`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad-compile\/p\.rego:3:\d+: rego_unsafe_var_error: var x is unsafe\n\s*unsafe contains x if \{\n\s*\^/);
    assert.match(r.stderr, /bad-compile\/p\.rego:8:\d+: rego_unsafe_var_error: var z is unsafe/);
    assert.match(r.stderr, /2 errors occurred/);
    assertNoStack(r.stderr);
  });

  test('an unknown function is a located type error', () => {
    const r = run('check', `${fixtures}/bad-function`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad-function\/p\.rego:4:\d+: rego_type_error: undefined function no_such_function/);
    assert.match(r.stderr, /1 error occurred/);
  });

  test('a syntax error is located with a caret', () => {
    const r = run('check', `${fixtures}/bad-syntax`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^test\/cli\/fixtures\/bad-syntax\/p\.rego:\d+:\d+: rego_parse_error: .+\n.*\n\s*\^/m);
  });

  test('a missing directory is a load error naming it', () => {
    const r = run('check', `${fixtures}/does-not-exist`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does-not-exist: policy_load_error: no such file or directory/);
  });
});

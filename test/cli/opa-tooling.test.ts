// OPA's tooling conventions in the policy commands (test -v/--run/--format json/--coverage,
// capabilities, check --capabilities), from the table in opa-tooling.yaml, run in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runCli } from '../../service/src/cli.js';

interface Case {
  name: string;
  args: string[];
  code: number;
  stdout?: string;
  stderr?: string;
  json?: unknown;
}

const CASES = parse(readFileSync(new URL('./opa-tooling.yaml', import.meta.url), 'utf8')) as Case[];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await runCli(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

/** `actual` has every member `expected` names, recursively; arrays match element by element. */
function assertContains(actual: unknown, expected: unknown, at = '$'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: expected an array`);
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((e, i) => assertContains(actual[i], e, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${at}: expected an object`);
    for (const [k, v] of Object.entries(expected)) assertContains((actual as Record<string, unknown>)[k], v, `${at}.${k}`);
  } else {
    assert.equal(actual, expected, at);
  }
}

for (const c of CASES) {
  test(`${c.name}: mcp-authz ${c.args.join(' ')} → ${c.code}`, async () => {
    const r = await run(c.args);
    assert.equal(r.code, c.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    if (c.stdout !== undefined) assert.match(r.stdout, new RegExp(c.stdout, 's'));
    if (c.stderr !== undefined) assert.match(r.stderr, new RegExp(c.stderr, 's'));
    if (c.json !== undefined) assertContains(JSON.parse(r.stdout), c.json);
  });
}

test('the capabilities we print are enough for every policy we ship, and name each builtin once', async () => {
  const caps = await run(['capabilities']);
  const doc = JSON.parse(caps.stdout) as { builtins: Array<{ name: string }> };
  const names = doc.builtins.map((b) => b.name);
  assert.equal(new Set(names).size, names.length);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-caps-'));
  try {
    const file = join(dir, 'capabilities.json');
    writeFileSync(file, caps.stdout);
    const checked = await run(['check', '--capabilities', file, 'policies']);
    assert.equal(checked.code, 0, checked.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('coverage is off unless asked for: a policy compiled without it reports none', async () => {
  const { compilePolicy } = await import('../../service/src/rego/index.js');
  const modules = [{ path: 'p.rego', source: 'package p\n\nallow if input.x == 1\n' }];
  assert.equal(compilePolicy({ modules }).coverage(), undefined);
  const covered = compilePolicy({ modules, coverage: true });
  covered.evalRef('data.p.allow', { input: { x: 1 } });
  assert.deepEqual(covered.coverage()?.files['p.rego']?.covered, [{ start: { row: 3 }, end: { row: 3 } }]);
});

// The reference policies pass their own unit tests through the CLI, as `mcp-authz test policies/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI } from '../support/cli-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('mcp-authz test policies/ exits 0 with no failures', () => {
  const res = spawnSync(process.execPath, [...CLI, 'test', 'policies/'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
  const last = res.stdout.trim().split('\n').at(-1) ?? '';
  assert.match(last, /^(\d+) passed, 0 failed$/);
  assert.ok(Number(/^(\d+)/.exec(last)![1]) > 0, 'some tests ran');
});

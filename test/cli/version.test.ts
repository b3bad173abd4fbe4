// `mcp-authz --version` prints the service package's version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from '../../service/src/cli.js';

test('--version prints the version of the service package', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../service/package.json', import.meta.url), 'utf8')) as { version: string };
  let out = '';
  const code = await runCli(['--version'], { stdout: (s) => (out += s), stderr: () => undefined });
  assert.equal(code, 0);
  assert.equal(out, `${pkg.version}\n`);
});

// The mcp-authz command's manners (help on every subcommand, version, usage errors, summaries),
// from the table in cli-manners.yaml, run in process through runCli.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runCli } from '../../service/src/cli.js';

interface Case {
  args: string[];
  code: number;
  stdout?: string;
  stderr?: string;
}

const CASES = parse(readFileSync(new URL('./cli-manners.yaml', import.meta.url), 'utf8')) as Case[];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('every subcommand of the table answers --help', async () => {
  const { COMMANDS } = await import('../../service/src/cli.js');
  const helped = new Set(CASES.filter((c) => c.args.includes('--help') && c.code === 0).map((c) => c.args[0]));
  for (const name of Object.keys(COMMANDS)) assert.ok(helped.has(name), `no --help case for "${name}"`);
});

for (const c of CASES) {
  test(`mcp-authz ${c.args.join(' ')} → ${c.code}`, async () => {
    let stdout = '';
    let stderr = '';
    // Policy paths in the table are relative to the repository root.
    const cwd = process.cwd();
    process.chdir(ROOT);
    let code: number;
    try {
      code = await runCli(c.args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
    } finally {
      process.chdir(cwd);
    }
    assert.equal(code, c.code, `stdout: ${stdout}\nstderr: ${stderr}`);
    if (c.stdout !== undefined) assert.match(stdout, new RegExp(c.stdout, 's'));
    if (c.stderr !== undefined) assert.match(stderr, new RegExp(c.stderr, 's'));
  });
}

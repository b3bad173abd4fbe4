// Runs every test/**/*.test.ts file through Node's built-in runner with an explicit file list.
// Node 20's runner neither globs nor picks up .ts files, so the list is built here, and an
// empty list is an error rather than a silent green run.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

let files = collect(join(root, 'test'));
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/ (expected *.test.ts)');
  process.exit(1);
}

// One key prefix per run keeps concurrent runs apart on a shared Redis.
const runId = process.env.MCP_AUTHZ_TEST_RUN ?? randomBytes(4).toString('hex');
const env = { ...process.env, MCP_AUTHZ_TEST_RUN: runId, NODE_ENV: 'test' };
// A per-test timeout bounds a stuck test. (--test-force-exit is not used: on Node 20 it can
// end a file before all its results are reported.)
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files];
console.log(`run-tests: ${files.length} files, run id ${runId}, node ${process.version}`);
// A file that leaks a handle keeps its process alive after its tests end; the watchdog turns
// such a hang into a clear failure instead of a stalled CI run.
const limitMs = Number(process.env.MCP_AUTHZ_TEST_WATCHDOG_MS ?? 15 * 60 * 1000);
const res = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit', timeout: limitMs, killSignal: 'SIGKILL' });
if (res.error && res.signal === 'SIGKILL') {
  console.error(`run-tests: the run did not finish within ${limitMs / 1000} s; a test file probably left a handle open`);
  process.exit(1);
}
process.exit(res.status ?? 1);

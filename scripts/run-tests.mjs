// Runs every test/**/*.test.ts file through Node's built-in runner with an explicit file list.
// Node 20's runner neither globs nor picks up .ts files, so the list is built here, and an
// empty list is an error rather than a silent green run. test/packaging (npm pack and a fresh
// install, slow) runs in a second pass after the rest, with its own time limit.
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
const isPackaging = (f) => f.startsWith('test/packaging/');
const passes = [
  // Tests run the TypeScript sources: tsx compiles them, and the mcp-authz-source export condition
  // points the workspace packages (@mcp-authz/*) at their src/ instead of their build output.
  { name: 'main', files: files.filter((f) => !isPackaging(f)), testTimeoutMs: 120_000, limitMs: Number(process.env.MCP_AUTHZ_TEST_WATCHDOG_MS ?? 15 * 60 * 1000) },
  { name: 'packaging', files: files.filter(isPackaging), testTimeoutMs: 540_000, limitMs: Number(process.env.MCP_AUTHZ_PACKAGING_WATCHDOG_MS ?? 10 * 60 * 1000) },
].filter((p) => p.files.length > 0);
console.log(`run-tests: ${files.length} files, run id ${runId}, node ${process.version}`);
let status = 0;
for (const pass of passes) {
  // A per-test timeout bounds a stuck test. (--test-force-exit is not used: on Node 20 it can
  // end a file before all its results are reported.)
  const args = ['--import', 'tsx', '--conditions=mcp-authz-source', '--test', '--test-concurrency=2', `--test-timeout=${pass.testTimeoutMs}`, ...pass.files];
  if (passes.length > 1) console.log(`run-tests: ${pass.name} pass, ${pass.files.length} files`);
  // A file that leaks a handle keeps its process alive after its tests end; the watchdog turns
  // such a hang into a clear failure instead of a stalled CI run.
  const res = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit', timeout: pass.limitMs, killSignal: 'SIGKILL' });
  if (res.error && res.signal === 'SIGKILL') {
    console.error(`run-tests: the ${pass.name} pass did not finish within ${pass.limitMs / 1000} s; a test file probably left a handle open`);
    status = 1;
  } else if (res.status !== 0) status = res.status ?? 1;
}
process.exit(status);

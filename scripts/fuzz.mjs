// Long fuzz runs: `npm run fuzz -- [--runs N] [--seed S] [filter]` runs every test/fuzz file with N runs
// per property (default 2000) and a random seed (or S, to replay a failure), then prints the runs
// each property made. `npm test` runs the same properties briefly with a fixed seed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const runs = Number(option('--runs', '2000'));
const seed = option('--seed', String(Math.floor(Math.random() * 2 ** 31)));
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed S] [path filter]');
  process.exit(2);
}

function collect(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'support' ? [] : collect(full);
    return name.endsWith('.test.ts') ? [relative(root, full)] : [];
  });
}
const files = collect(join(root, 'test/fuzz')).filter((f) => args.length === 0 || args.some((a) => f.includes(a)));
if (files.length === 0) {
  console.error('fuzz: no test/fuzz files match');
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), 'mcp-authz-fuzz-'));
const counts = join(scratch, 'counts');
console.log(`fuzz: ${files.length} files, ${runs} runs per property, seed ${seed}`);
const res = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=mcp-authz-source', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test', MCP_AUTHZ_FUZZ_RUNS: String(runs), MCP_AUTHZ_FUZZ_SEED: seed, MCP_AUTHZ_FUZZ_COUNTS: counts },
});
const tally = new Map();
try {
  for (const name of readFileSync(counts, 'utf8').split('\n').filter(Boolean)) tally.set(name, (tally.get(name) ?? 0) + 1);
} catch {
  // no property ran
}
rmSync(scratch, { recursive: true, force: true });
console.log('\nfuzz: runs per property (including shrinking)');
for (const [name, n] of [...tally].sort()) console.log(`  ${name.padEnd(20)} ${n}`);
console.log(`fuzz: seed ${seed}${res.status === 0 ? '' : ` (replay: npm run fuzz -- --runs ${runs} --seed ${seed})`}`);
process.exit(res.status ?? 1);

// Runs one benchmark: `npm run bench -- <name>` loads bench/<name>.ts through tsx and calls its
// exported run() (a benchmark without one does its work when its module body runs).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const name = process.argv[2];
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\nbenchmarks: ${available.join(', ')}`);
  process.exit(2);
}
const file = join(root, 'bench', `${name}.ts`);
const loader = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); if (typeof m.run === 'function') await m.run();`;
const res = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=mcp-authz-source', '--input-type=module', '-e', loader, ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
process.exit(res.status ?? 1);

#!/usr/bin/env node
// mcp-authz command: runs the compiled CLI (`npm run build` makes it; `npm run dev` runs the sources).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write('mcp-authz: dist/cli.js is missing; build the package first (npm run build)\n');
  process.exit(1);
}
await import(pathToFileURL(compiled).href);

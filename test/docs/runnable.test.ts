// Runs every code block of README.md and docs/ marked runnable (info string `sh runnable` or
// `ts runnable`, see docs/development.md) in a fresh directory; each must exit 0 and print the
// output its closing comment lines show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, SOURCE_FLAGS } from '../support/cli-command.js';
import { docFiles, parseMarkdown, ROOT } from './markdown.js';

const BLOCK_TIMEOUT_MS = 90_000;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// `mcp-authz` and `npx mcp-authz` run the command from the sources; any other npx is the real one.
const PRELUDE = `set -euo pipefail
mcp-authz() { ${[process.execPath, ...CLI].map(quote).join(' ')} "$@"; }
npx() { if [ "\${1:-}" = mcp-authz ]; then shift; mcp-authz "$@"; else command npx "$@"; fi; }
`;

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command in its own process group, so a timeout ends everything the block started. */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // A small environment: nothing of the test run's configuration (PORT, REDIS_URL, AUTHZ_*) leaks in.
    const env = { PATH: process.env.PATH ?? '', HOME: cwd, LANG: 'C.UTF-8' };
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += `\n(killed after ${BLOCK_TIMEOUT_MS} ms)`;
      process.kill(-child.pid!, 'SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const squeeze = (s: string): string => s.replace(/\s+/g, '');

/**
 * The output a block documents: the comment lines that end it (`# ` in sh, `// ` in ts), without
 * whitespace, cut at each `…` (which stands for anything) into pieces expected in this order.
 */
function expectedPieces(text: string, info: string): string[] {
  const marker = info.startsWith('ts') ? '//' : '#';
  const lines = text.trimEnd().split('\n');
  const tail: string[] = [];
  while (lines.length > 0 && lines.at(-1)!.trimStart().startsWith(marker)) tail.unshift(lines.pop()!.trimStart().slice(marker.length));
  return squeeze(tail.join('\n')).split('…').filter((p) => p !== '');
}

/** The first piece not found in the output (after the previous one), or undefined. */
function missingPiece(output: string, pieces: readonly string[]): string | undefined {
  const actual = squeeze(output);
  let from = 0;
  for (const piece of pieces) {
    const at = actual.indexOf(piece, from);
    if (at < 0) return piece;
    from = at + piece.length;
  }
  return undefined;
}

const blocks = docFiles().flatMap((path) => parseMarkdown(path).blocks.filter((b) => /\brunnable\b/.test(b.info)).map((b) => ({ path, ...b })));

test('runnable blocks are found and each names a language this test runs', () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} runnable blocks`);
  const unknown = blocks.filter((b) => b.info !== 'sh runnable' && b.info !== 'ts runnable').map((b) => `${b.path}:${b.line}: ${b.info}`);
  assert.deepEqual(unknown, []);
});

for (const block of blocks) {
  test(`${block.path}:${block.line} (${block.info}) runs as shown`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-docs-'));
    try {
      symlinkSync(join(ROOT, 'policies'), join(dir, 'policies'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      let result: Run;
      if (block.info.startsWith('ts')) {
        writeFileSync(join(dir, 'snippet.mts'), block.text);
        result = await run(process.execPath, [...SOURCE_FLAGS, 'snippet.mts'], dir);
      } else {
        writeFileSync(join(dir, 'block.sh'), PRELUDE + block.text);
        result = await run('bash', ['block.sh'], dir);
      }
      assert.equal(result.code, 0, `${block.path}:${block.line} exited ${result.code}:\n${result.output}`);
      const missing = missingPiece(result.output, expectedPieces(block.text, block.info));
      assert.equal(missing, undefined, `${block.path}:${block.line}: the output lacks what the block shows:\n${result.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

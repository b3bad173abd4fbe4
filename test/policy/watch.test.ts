// The policy directory watcher: a file replaced by rename (editors, sed -i, git checkout) keeps
// being watched, so later in-place writes are served.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicyReloader, loadPolicySources, type CompiledPolicy, type PolicyCompiler } from '../../service/src/policy/index.js';
import { eventually } from '../store/redis-helpers.js';

const compile: PolicyCompiler = (): CompiledPolicy => ({ evalRef: () => undefined, runTests: () => [] });

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function policyDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-watch-'));
  dirs.push(dir);
  await mkdir(join(dir, 'mcp'));
  await writeFile(join(dir, 'mcp', 'authz.rego'), 'package mcp.authz # v0');
  return dir;
}

/** Revision the directory has now, as the loader computes it. */
const revisionOf = async (dir: string): Promise<string> => (await loadPolicySources([dir])).revision;

// fs.watch alone (the content check far away), then the content check alone (polling), then both.
const setups = [
  { name: 'fs.watch re-armed after a rename', watchMode: 'watch', pollIntervalMs: 3_600_000 },
  { name: 'the periodic content check', watchMode: 'poll', pollIntervalMs: 50 },
  { name: 'the defaults beside fs.watch', watchMode: 'auto', pollIntervalMs: undefined },
] as const;

describe('policy directory watch', () => {
  for (const setup of setups) {
    test(`in-place writes after a rename are served (${setup.name})`, async () => {
      const dir = await policyDir();
      const file = join(dir, 'mcp', 'authz.rego');
      const r = createPolicyReloader({
        dir, load: loadPolicySources, compile, debounceMs: 20, watchMode: setup.watchMode,
        ...(setup.pollIntervalMs !== undefined ? { pollIntervalMs: setup.pollIntervalMs } : {}),
      });
      await r.start();
      try {
        await writeFile(`${file}.tmp`, 'package mcp.authz # v1 renamed over');
        await rename(`${file}.tmp`, file);
        const v1 = await revisionOf(dir);
        await eventually(() => r.current()?.revision === v1, 'the renamed-over file is served');
        for (let i = 2; i <= 4; i++) {
          await writeFile(file, `package mcp.authz # v${i} written in place`);
          const expected = await revisionOf(dir);
          await eventually(() => r.current()?.revision === expected, `in-place write ${i} is served`);
          assert.equal(r.status().inSync, true);
        }
        assert.match(await readFile(file, 'utf8'), /v4/);
      } finally {
        await r.stop();
      }
    });
  }
});

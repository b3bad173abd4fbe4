// `mcp-authz demo --once` end to end: issuer, service, example MCP server and the scripted MCP
// client in one process; the transcript shows each outcome the demo promises.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../support/cli-command.js';

// A scratch working directory: the demo's development key is made there, not in the repository.
const cwd = mkdtempSync(join(tmpdir(), 'mcp-authz-demo-'));

after(() => rmSync(cwd, { recursive: true, force: true }));

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['REDIS_URL', 'AUTHZ_CONFIG', 'AUTHZ_JWT_ISSUER', 'AUTHZ_CLIENTS', 'AUTHZ_SERVERS', 'AUTHZ_ADMIN_KEYS']) delete env[name];
    const child = spawn(process.execPath, [...CLI, 'demo', '--once'], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('demo --once prints the transcript with every outcome and exits 0', async () => {
  const { code, stdout, stderr } = await runDemo();
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  const steps = stdout.split(/\n(?=\d+\. )/).slice(1).map((s) => s.trim());
  assert.equal(steps.length, 6, stdout);
  assert.match(steps[0]!, /^1\. alice \(scope "mcp:read mcp:write"\) lists the tools\n\s+tools\/list → list_directory, read_file, write_file, move_file$/);
  assert.match(steps[1]!, /^2\. bob \(scope "mcp:read"\) lists the tools\n\s+tools\/list → list_directory, read_file$/);
  assert.match(steps[2]!, /^3\. alice calls read_file .*\n\s+allowed → "ship the SDK"$/);
  assert.match(steps[3]!, /^4\. alice calls write_file .*\n\s+denied by the policy \(JSON-RPC error -32003\): path "\/etc\/passwd" is outside the allowed locations$/);
  assert.match(steps[4]!, /^5\. bob calls write_file .*\n\s+HTTP 403 insufficient_scope: ask the authorization server for scope "mcp:write"\n\s+\(an admin revokes bob's token: POST \/v1\/revocations → 200\)$/);
  assert.match(steps[5]!, /^6\. bob, revoked, calls read_file .*\n\s+HTTP 401 invalid_token/);
  assert.match(stdout, /all 6 steps ended as expected/);
  assert.doesNotMatch(stdout, /UNEXPECTED/);
  assert.ok(existsSync(join(cwd, '.mcp-authz/dev-issuer/private-key.json')), 'the development key is made in the working directory');
  // --once exits after the transcript: no ready-to-paste commands, so no credentials are printed.
  assert.doesNotMatch(stdout, /stays up|TOKEN=/);
});

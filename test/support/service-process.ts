// The service binary as a child process for end-to-end tests: a free loopback URL, a scratch directory
// with its config file, CLI runs against that config, captured output and readiness polling.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from './cli-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A loopback URL on a port that was free a moment ago (the service binary needs it before it starts). */
export function freeLocalUrl(): Promise<string> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

export interface ServiceWorkDir {
  dir: string;
  configFile: string;
  /** Runs `mcp-authz <args> --config <configFile>` to completion from the repository root. */
  cli(args: readonly string[], input?: string): SpawnSyncReturns<string>;
  remove(): void;
}

/** A scratch directory holding `authz.config.yaml`; `config` gets the directory for paths inside it. */
export function createServiceWorkDir(name: string, config: (dir: string) => string): ServiceWorkDir {
  const dir = mkdtempSync(join(tmpdir(), `mcp-authz-${name}-`));
  const configFile = join(dir, 'authz.config.yaml');
  writeFileSync(configFile, config(dir));
  return {
    dir,
    configFile,
    cli: (args, input) => spawnSync(process.execPath, [...CLI, ...args, '--config', configFile], { cwd: ROOT, encoding: 'utf8', ...(input !== undefined ? { input } : {}) }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Polls /readyz (up to ~15 s) until it answers 2xx; false when it never did or the process exited. */
  /** Polls /readyz until it answers 200 or `timeoutMs` (default 30 s) passes. */
  waitReady(timeoutMs?: number): Promise<boolean>;
  /** Ends the process and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `mcp-authz serve` on `url` with the work directory's config, the reference policies and
 * `env` (AUTHZ_* overrides) on top of this process's environment. `program` replaces the sources
 * with another way to run `mcp-authz` (node arguments before `serve`), e.g. an installed bin.
 */
export function spawnService(url: string, work: ServiceWorkDir, env: Record<string, string> = {}, program: { args: readonly string[]; cwd: string } = { args: CLI, cwd: ROOT }): ServiceProcess {
  let output = '';
  const child = spawn(process.execPath, [...program.args, 'serve'], {
    cwd: program.cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: new URL(url).port, AUTHZ_CONFIG: work.configFile, POLICY_DIR: join(ROOT, 'policies'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    async waitReady(timeoutMs = 30_000) {
      // Starting from TypeScript sources on a loaded machine can take a while; the deadline is generous.
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && child.exitCode === null) {
        const ok = await fetch(`${url}/readyz`).then((res) => res.ok, () => false);
        if (ok) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}

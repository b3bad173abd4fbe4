// Starts the real service in-process with the built-in authorization server on 127.0.0.1:0 (real
// Redis under a per-run prefix), plus helpers that drive its login and consent forms over HTTP.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { resolveConfig } from '../../../service/src/config/index.js';
import { createService, type Service } from '../../../service/src/main.js';
import { createUsersCommand } from '../../../service/src/cli/users.js';
import type { FetchLike } from '../../../service/src/tokens/index.js';
import { deleteKeys } from '../../store/redis-helpers.js';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(suite: string): string {
  return `mcp-authz-test:${process.env.MCP_AUTHZ_TEST_RUN ?? 'local'}:${suite}:`;
}

/** Deletes every key under the prefix. */
export function cleanRedis(prefix: string): Promise<void> {
  return deleteKeys(redisUrl, prefix);
}

/** A listening HTTP server whose handler is set once the app exists (so the URL is known first). */
export async function listen(): Promise<{ url: string; server: http.Server; setHandler(h: http.RequestListener): void; close(): Promise<void> }> {
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    setHandler: (h) => (handler = h),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface AsHarness {
  url: string;
  service: Service;
  prefix: string;
  /** The users file the service reads (re-read when it changes). */
  usersFile: string;
  /** Audit records written by the service's logger. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface AsHarnessOptions {
  suite: string;
  /** Extra raw configuration merged over the defaults below. */
  config?: Record<string, unknown>;
  oauth?: Record<string, unknown>;
  users?: { username: string; password: string; claims?: Record<string, unknown>; scopes?: string[] }[];
  /** The service's outgoing fetch (e.g. to reach a client's metadata document host). */
  fetch?: FetchLike;
}

/** Starts the service with `oauth.enabled`, a users file made with `mcp-authz users add`, and real Redis. */
export async function startAuthorizationServer(options: AsHarnessOptions): Promise<AsHarness> {
  const prefix = testPrefix(options.suite);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-oauth-'));
  const usersFile = join(dir, 'users.yaml');
  const configFile = join(dir, 'authz.config.yaml');
  writeFileSync(configFile, `oauth:\n  users:\n    file: ${JSON.stringify(usersFile)}\n`);
  for (const user of options.users ?? []) {
    const out: string[] = [];
    const code = await createUsersCommand(async () => user.password)(
      ['add', user.username, '--password-stdin', '--config', configFile, ...(user.claims ? ['--claims', JSON.stringify(user.claims)] : []), ...(user.scopes ? ['--scopes', user.scopes.join(' ')] : [])],
      { stdout: (s) => out.push(s), stderr: (s) => out.push(s) },
    );
    if (code !== 0) throw new Error(`users add failed: ${out.join('')}`);
  }
  const listener = await listen();
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const config = resolveConfig({
    http: { host: '127.0.0.1', port: Number(new URL(listener.url).port) },
    redis: { url: redisUrl, key_prefix: prefix },
    policies: { dir: join(root, 'policies') },
    ...options.config,
    oauth: { enabled: true, issuer: listener.url, users: { file: usersFile }, ...options.oauth },
  });
  const service = createService({ config, logger, ...(options.fetch ? { fetch: options.fetch } : {}) });
  await service.start();
  listener.setHandler(service.app);
  return {
    url: listener.url,
    service,
    prefix,
    usersFile,
    logs,
    async close() {
      await listener.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
      await cleanRedis(prefix);
    },
  };
}

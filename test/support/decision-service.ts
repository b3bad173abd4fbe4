// A service with the decision path for HTTP tests: a real RS256 issuer (JWKS), the reference policies
// copied to a temp dir, Redis under a per-run prefix, optional decision log sinks; supertest-ready.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import request from 'supertest';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { resolveConfig } from '../../service/src/config/load.js';
import type { AuthzConfig } from '../../service/src/config/types.js';
import { createService, type Service } from '../../service/src/main.js';
import { deleteKeys } from '../store/redis-helpers.js';
import type { IdentityProvider } from './identity-provider.js';

export const REFERENCE_POLICIES = fileURLToPath(new URL('../../policies', import.meta.url));
export const FILES = 'https://files.mcp.test/mcp';
export const GITHUB = 'https://github.mcp.test/mcp';
export const SECRETS = { files: 'files-secret-0123456789abcdef', github: 'github-secret-0123456789abcdef', admin: 'admin-key-0123456789abcdef' };

export interface DecisionServiceHarness {
  service: Service;
  config: AuthzConfig;
  /** The policy directory this instance serves (a private copy). */
  policyDir: string;
  /** A scratch directory for sinks and the spill file, removed at close. */
  workDir: string;
  /** Caller credentials: `files` (files-mcp), `github` (github-mcp), `admin` (ops). */
  auth(caller: keyof typeof SECRETS): string;
  decide(body: Record<string, unknown>, caller?: keyof typeof SECRETS): request.Test;
  close(): Promise<void>;
}

export interface DecisionServiceOptions {
  idp: IdentityProvider;
  redisUrl?: string;
  prefix: string;
  /** Copied to a private directory; default the reference policies. */
  policySource?: string;
  /** Extra configuration merged over the defaults (decision_logs, decisions, cache, policies' git keys...). */
  config?: Record<string, unknown>;
  /** Watch the policy dir (polling, short debounce); default false (tests reload explicitly). */
  watch?: boolean;
  /** Keep Redis keys at close (another instance still uses them). */
  keepKeys?: boolean;
}

export async function startDecisionService(options: DecisionServiceOptions): Promise<DecisionServiceHarness> {
  const workDir = mkdtempSync(join(tmpdir(), 'mcp-authz-decisions-'));
  const policyDir = join(workDir, 'policies');
  cpSync(options.policySource ?? REFERENCE_POLICIES, policyDir, { recursive: true });
  const { idp } = options;
  const { decision_logs: logs, policies: policyExtra, ...extra } = options.config ?? {};
  // Relative sink paths land in the scratch directory.
  const sinks = ((logs as { sinks?: Array<Record<string, unknown>> } | undefined)?.sinks ?? []).map((sink) =>
    typeof sink.path === 'string' && !isAbsolute(sink.path) ? { ...sink, path: join(workDir, sink.path) } : sink);
  const config = resolveConfig({
    http: { auth_throttle: { max_failures: 1000, window_seconds: 60 } },
    ...(options.redisUrl !== undefined ? { redis: { url: options.redisUrl, key_prefix: options.prefix } } : {}),
    policies: { check_interval_seconds: 1, ...(policyExtra as Record<string, unknown> | undefined), dir: policyDir, watch: options.watch === true },
    decision_logs: { spill_path: join(workDir, 'spill.jsonl'), ...(logs as Record<string, unknown> | undefined), sinks },
    issuers: [{ issuer: idp.issuer, jwks_uri: idp.jwksUri, algorithms: ['RS256'] }],
    servers: [{ id: 'files', resource: FILES }, { id: 'github', resource: GITHUB }],
    callers: [
      { id: 'files-mcp', secret_hashes: [hashSecret(SECRETS.files)], servers: ['files'] },
      { id: 'github-mcp', secret_hashes: [hashSecret(SECRETS.github)], servers: ['github'] },
      { id: 'ops', role: 'admin', secret_hashes: [hashSecret(SECRETS.admin)] },
    ],
    ...extra,
  });
  const service = createService({ config, logger: pino({ level: 'silent' }), policyWatch: { mode: 'poll', debounceMs: 50 } });
  await service.start();
  const loaded = service.runtime.policies.status();
  if (loaded.revision === undefined) {
    await service.close();
    throw new Error(`policies did not load: ${JSON.stringify(loaded.lastReload)}`);
  }
  const auth = (caller: keyof typeof SECRETS): string => {
    const id = caller === 'admin' ? 'ops' : `${caller}-mcp`;
    return `Basic ${Buffer.from(`${id}:${SECRETS[caller]}`).toString('base64')}`;
  };
  return {
    service,
    config,
    policyDir,
    workDir,
    auth,
    decide: (body, caller = 'files') => request(service.app).post('/v1/decisions').set('authorization', auth(caller)).send(body),
    async close() {
      await service.close();
      if (options.redisUrl !== undefined && options.keepKeys !== true) await deleteKeys(options.redisUrl, options.prefix);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Reads the decision_ids of a JSONL sink file (and its rotated files). */
export function countLines(text: string): { lines: number; ids: Set<string> } {
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  return { lines: rows.length, ids: new Set(rows.map((l) => (JSON.parse(l) as { decision_id: string }).decision_id)) };
}

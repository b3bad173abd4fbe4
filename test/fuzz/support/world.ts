// The world every fuzz property runs in: one local signing issuer (static JWKS, so no network), two
// servers and their callers, and the service on a loopback port with its clock fixed, so the oracle
// can evaluate the same input (including `context.time`) that the service gave its policy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { pino } from 'pino';
import { hashSecret } from '../../../service/src/callers/secrets.js';
import { resolveConfig } from '../../../service/src/config/load.js';
import { createService, type Service } from '../../../service/src/main.js';
import { REFERENCE_POLICIES } from '../../support/decision-service.js';

export const ISSUER = 'https://fuzz-issuer.test';
export const FOREIGN_ISSUER = 'https://foreign-issuer.test';
export const SERVERS = { files: 'https://files.fuzz.test/mcp', github: 'https://github.fuzz.test/mcp' } as const;
export type ServerId = keyof typeof SERVERS;
export const CALLERS = {
  files: { id: 'files-mcp', secret: 'files-secret-0123456789abcdef', servers: ['files'] },
  github: { id: 'github-mcp', secret: 'github-secret-0123456789abcdef', servers: ['github'] },
  both: { id: 'both-mcp', secret: 'both-secret-0123456789abcdef', servers: ['files', 'github'] },
  admin: { id: 'ops', secret: 'admin-key-0123456789abcdef', servers: [] },
} as const;
export type CallerName = keyof typeof CALLERS;
/** The service's fixed clock: a Wednesday, 10:00 UTC (inside the reference policy's business hours). */
export const NOW_MS = Date.parse('2026-11-25T10:00:00.500Z');
export const NOW_S = Math.floor(NOW_MS / 1000);

export interface FuzzKey {
  kid: string;
  alg: 'RS256' | 'EdDSA';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function fuzzKey(alg: FuzzKey['alg'], kid: string): Promise<FuzzKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The issuer's keys (published) and a key nobody publishes. */
export interface FuzzKeys {
  rsa: FuzzKey;
  ed: FuzzKey;
  rogue: FuzzKey;
  /** jose's key resolver over the published keys (the oracle's). */
  jwks: JWTVerifyGetKey;
  sign(payload: JWTPayload, key: FuzzKey, header?: Record<string, unknown>): Promise<string>;
}

export async function createFuzzKeys(): Promise<FuzzKeys> {
  const [rsa, ed, rogue] = await Promise.all([fuzzKey('RS256', 'rsa-1'), fuzzKey('EdDSA', 'ed-1'), fuzzKey('RS256', 'rsa-1')]);
  return {
    rsa, ed, rogue,
    jwks: createLocalJWKSet({ keys: [rsa.jwk, ed.jwk] }),
    sign: (payload, key, header = {}) => new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey),
  };
}

export function basic(caller: CallerName): string {
  const c = CALLERS[caller];
  return `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`;
}

export interface FuzzService {
  service: Service;
  /** host:port of the loopback listener. */
  port: number;
  close(): Promise<void>;
}

/** The service over the reference policies (or `policyDir`), listening on 127.0.0.1, clock at NOW_MS. */
export async function startFuzzService(keys: FuzzKeys, policyDir = REFERENCE_POLICIES): Promise<FuzzService> {
  const config = resolveConfig({
    http: { auth_throttle: { max_failures: 1_000_000, window_seconds: 1 } },
    policies: { dir: policyDir, watch: false },
    issuers: [
      { issuer: ISSUER, jwks: { keys: [keys.rsa.jwk, keys.ed.jwk] }, algorithms: ['RS256', 'EdDSA'] },
      { issuer: FOREIGN_ISSUER, jwks: { keys: [keys.rogue.jwk] }, algorithms: ['RS256'] },
    ],
    servers: [
      { id: 'files', resource: SERVERS.files, issuers: [ISSUER] },
      { id: 'github', resource: SERVERS.github, issuers: [ISSUER] },
    ],
    callers: Object.values(CALLERS).map((c) => c.servers.length === 0
      ? { id: c.id, role: 'admin', secret_hashes: [hashSecret(c.secret)] }
      : { id: c.id, secret_hashes: [hashSecret(c.secret)], servers: [...c.servers] }),
  });
  const service = createService({ config, logger: pino({ level: 'silent' }), now: () => NOW_MS });
  await service.start();
  const server: Server = createServer(service.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    service,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}

// A complete test setup: several real identity providers, a registry with two servers and their
// callers, and the service built from it (in-process, ready for supertest).
import { pino } from 'pino';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { resolveConfig } from '../../service/src/config/load.js';
import type { AuthzConfig } from '../../service/src/config/types.js';
import { createService, type Service } from '../../service/src/main.js';
import { startIdentityProvider, type IdentityProvider } from './identity-provider.js';

export const GITHUB_RESOURCE = 'https://github.mcp.test/mcp';
export const FILES_RESOURCE = 'https://files.mcp.test/mcp';

export interface World {
  /** RS256 via jwks_uri */
  rsa: IdentityProvider;
  /** ES256 via jwks_uri */
  ec: IdentityProvider;
  /** EdDSA via OIDC discovery only */
  ed: IdentityProvider;
  /** RS256, trusted by `files` only */
  other: IdentityProvider;
  /** Opaque tokens through RFC 7662 (designated for `github`) */
  opaque: IdentityProvider;
  config: AuthzConfig;
  service: Service;
  secrets: { github: string; files: string; filesOld: string; admin: string };
  basic(id: string, secret: string): string;
  /** Shifts the service's clock (tokens are minted on the real clock). */
  advance(seconds: number): void;
  close(): Promise<void>;
}

export interface WorldOptions {
  tokens?: Record<string, unknown>;
  cache?: Record<string, unknown>;
  http?: Record<string, unknown>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const [rsa, ec, ed, other, opaque] = await Promise.all([
    startIdentityProvider({ alg: 'RS256' }),
    startIdentityProvider({ alg: 'ES256' }),
    startIdentityProvider({ alg: 'EdDSA', discovery: 'oidc' }),
    startIdentityProvider({ alg: 'RS256' }),
    startIdentityProvider({ alg: 'RS256', discovery: 'oauth', introspectionClient: { id: 'authz', secret: 'upstream-secret' } }),
  ]);
  const secrets = { github: 'github-secret-0123456789', files: 'files-secret-new-0123456789', filesOld: 'files-secret-old-0123456789', admin: 'admin-key-0123456789' };
  const config = resolveConfig({
    http: { auth_throttle: { max_failures: 1000, window_seconds: 60 }, ...options.http },
    tokens: { jwks: { cooldown_seconds: 0 }, ...options.tokens },
    cache: { ...options.cache },
    issuers: [
      { issuer: rsa.issuer, jwks_uri: rsa.jwksUri, algorithms: ['RS256'] },
      { issuer: ec.issuer, jwks_uri: ec.jwksUri, algorithms: ['ES256'] },
      { issuer: ed.issuer, algorithms: ['EdDSA'] },
      { issuer: other.issuer, jwks_uri: other.jwksUri, algorithms: ['RS256'] },
      { issuer: opaque.issuer, introspection: { client_id: 'authz', client_secret: 'upstream-secret' } },
    ],
    servers: [
      { id: 'github', resource: GITHUB_RESOURCE, issuers: [rsa.issuer, ec.issuer, ed.issuer, opaque.issuer], opaque_token_issuer: opaque.issuer },
      { id: 'files', resource: FILES_RESOURCE, audiences: ['files-api'], issuers: [rsa.issuer, ec.issuer, other.issuer] },
    ],
    callers: [
      { id: 'github-mcp', secret_hashes: [hashSecret(secrets.github)], servers: ['github'] },
      // `files-mcp` finished a rotation: only the new secret remains.
      { id: 'files-mcp', secret_hashes: [hashSecret(secrets.files)], servers: ['files'] },
      { id: 'ops', role: 'admin', secret_hashes: [hashSecret(secrets.admin)] },
    ],
  });
  let offset = 0;
  const service = createService({ config, logger: pino({ level: 'silent' }), now: () => Date.now() + offset * 1000 });
  await service.start();
  return {
    rsa, ec, ed, other, opaque, config, service, secrets,
    basic: (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    advance: (seconds) => {
      offset += seconds;
    },
    close: async () => {
      await service.close();
      await Promise.all([rsa, ec, ed, other, opaque].map((i) => i.close()));
    },
  };
}

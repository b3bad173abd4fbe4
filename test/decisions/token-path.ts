// The production token path for decision tests: real signed JWTs from a static-JWK issuer, the tokens
// validator over the shared validation cache and the revocation hook, adapted by fromTokensValidator.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createRegistry } from '../../service/src/config/registry.js';
import { resolveConfig } from '../../service/src/config/load.js';
import { createSharedValidationCache, fromTokensValidator, revocationQueryHook, type RevocationChecker, type TokenValidator } from '../../service/src/decisions/index.js';
import { silentLogger, type MetricsHooks } from '../../service/src/hooks/index.js';
import type { SharedStore } from '../../service/src/store/index.js';
import { createTokenValidator, lowSSpelling } from '../../service/src/tokens/index.js';
import { createSigningKey, type SigningKey } from '../support/identity-provider.js';

export const ISSUER = 'https://issuer.example';
export const RESOURCES = { github: 'https://mcp.example.com/github', gitlab: 'https://mcp.example.com/gitlab' } as const;

export interface TokenClaims {
  sub: string;
  /** Which registered server the token is meant for. */
  server: keyof typeof RESOURCES;
  jti?: string;
  /** exp in seconds since the epoch; one hour ahead by default. */
  exp?: number;
}

export interface TokenSigner {
  sign(claims: TokenClaims): Promise<string>;
  key: SigningKey;
}

export async function createTokenSigner(): Promise<TokenSigner> {
  const key = await createSigningKey('ES256');
  return {
    key,
    sign: async (c) => {
      const now = Math.floor(Date.now() / 1000);
      return lowSSpelling(await new SignJWT({ iss: ISSUER, sub: c.sub, aud: RESOURCES[c.server], client_id: 'client-1', scope: 'mcp:read', org: 'acme', iat: now, exp: c.exp ?? now + 3600, jti: c.jti ?? randomUUID() })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .sign(key.privateKey));
    },
  };
}

export interface TokenPath {
  validateToken: TokenValidator;
  /** Validations answered by the tokens package, and how many of them verified a signature (cache miss). */
  counts: { validations: number; verifications: number };
}

/** Wired as service/src/main.ts and runtime/decision-runtime.ts wire it (Redis case: shared cache). */
export function createTokenPath(options: { signer: TokenSigner; store: SharedStore; revocations: RevocationChecker; metrics: MetricsHooks }): TokenPath {
  const config = resolveConfig({
    cache: { token_max_ttl_seconds: 300 },
    issuers: [{ issuer: ISSUER, jwks: { keys: [options.signer.key.publicJwk] }, algorithms: ['ES256'] }],
    servers: Object.entries(RESOURCES).map(([id, resource]) => ({ id, resource })),
  });
  const registry = createRegistry(config);
  const counts = { validations: 0, verifications: 0 };
  const tokens = createTokenValidator({
    config,
    registry,
    cache: createSharedValidationCache({ store: options.store, metrics: options.metrics, logger: silentLogger }),
    isRevoked: revocationQueryHook(options.revocations),
    observer: {
      onValidation: (e) => {
        counts.validations++;
        if (e.outcome === 'valid' && !e.cached) counts.verifications++;
      },
    },
  });
  return { validateToken: fromTokensValidator(tokens, (id) => registry.servers.get(id)), counts };
}

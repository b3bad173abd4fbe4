// Mints access tokens with the development key: RFC 9068 shape (`typ: at+jwt`), EdDSA signatures.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEV_ISSUER, type DevKey } from './key-store.js';

/** Client id put into development tokens unless a claim replaces it. */
export const DEV_CLIENT_ID = 'mcp-authz-dev';

/** Claims set through their own options, which `claims` may not replace. */
export const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'scope', 'exp', 'iat', 'nbf', 'jti'] as const;

/** What a development token says. */
export interface DevTokenOptions {
  sub: string;
  /** Audiences: the resource URIs of the servers the token is for. */
  audiences: string[];
  scopes: string[];
  /** Further claims (e.g. `roles`, `org`); reserved claims are refused. */
  claims?: Record<string, unknown>;
  ttlSeconds: number;
  /** Epoch seconds of issue (default: now). */
  now?: number;
}

/**
 * Signs a token of the development issuer.
 *
 * @param key - the development key ({@link loadDevKey})
 * @param options - subject, audiences, scopes, claims and lifetime
 */
export async function mintDevToken(key: DevKey, options: DevTokenOptions): Promise<string> {
  const claims = options.claims ?? {};
  const reserved = RESERVED_CLAIMS.filter((name) => Object.hasOwn(claims, name));
  if (reserved.length > 0) throw new Error(`claims ${reserved.join(', ')} are set by their own options`);
  if (options.audiences.length === 0) throw new Error('a token needs at least one audience');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: DEV_CLIENT_ID, ...claims, scope: options.scopes.join(' ') })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(DEV_ISSUER)
    .setSubject(options.sub)
    .setAudience(options.audiences.length === 1 ? options.audiences[0]! : options.audiences)
    .setIssuedAt(now)
    .setExpirationTime(now + options.ttlSeconds)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(key.privateKey);
}

/**
 * The `issuers[]` entry that trusts the development issuer: its public key as a static JWKS,
 * EdDSA only, RFC 9068 `typ` required.
 *
 * @param key - the development key
 */
export function devIssuerConfig(key: DevKey): Record<string, unknown> {
  return { issuer: DEV_ISSUER, jwks: { keys: [key.publicJwk] }, algorithms: ['EdDSA'], required_typ: 'at+jwt' };
}

// Verifies a parsed JWT against its (already selected) issuer, mapping every failure to a reason.
// jose still finds the key (JWKS selection by kid/alg/kty, refetch on an unknown kid, static keys),
// but the checks of jose's jwtVerify are done here, in its order and with its outcomes, so that the
// signature is checked with node:crypto (on this thread for the fast algorithms) instead of WebCrypto.
// Header-supplied key locations (jku, x5u, embedded jwk) are never consulted: keys come only from
// the issuer's configured source.
import { errors } from 'jose';
import type { IssuerConfig } from '../config/types.js';
import { TokenError } from './errors.js';
import type { IssuerKeys } from './issuer-keys.js';
import type { CompactJws } from './jws-compact.js';
import { verifySignature } from './jws-signature.js';
import { checkClaims } from './jwt-claims.js';
import { toValidatedToken, type ValidatedToken } from './validated-token.js';

/**
 * Maps a failure to a TokenError with a stable reason. Besides our own TokenErrors, only jose's key
 * resolution can throw here (JWKS selection, key import).
 */
export function toTokenError(err: unknown): TokenError {
  if (err instanceof TokenError) return err;
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return new TokenError('unknown_key', err.message);
  if (err instanceof errors.JWKInvalid || err instanceof errors.JOSENotSupported || err instanceof errors.JWSInvalid) return new TokenError('malformed', err.message);
  // jose raises TypeError when a header's alg does not fit the key type it resolved.
  if (err instanceof TypeError) return new TokenError('malformed', err.message);
  return new TokenError('internal', 'unexpected validation failure', { cause: err });
}

// jose understands one critical extension, b64 (RFC 7797), and a JWT may not use it to go unencoded.
// Returns whether the payload is base64url-encoded.
function checkCrit(header: Record<string, unknown>): boolean {
  const { crit } = header;
  if (crit === undefined) return true;
  if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== 'string' || name === '')) {
    throw new TokenError('malformed', '"crit" must be an array of non-empty strings');
  }
  for (const name of crit as string[]) {
    if (name !== 'b64') throw new TokenError('malformed', `critical header parameter "${name}" is not recognized`);
    if (header.b64 === undefined) throw new TokenError('malformed', 'critical header parameter "b64" is missing');
  }
  if (typeof header.b64 !== 'boolean') throw new TokenError('malformed', '"b64" must be a boolean');
  return header.b64;
}

function allowedAlg(header: Record<string, unknown>, issuer: IssuerConfig): string {
  const { alg } = header;
  if (typeof alg !== 'string' || alg === '') throw new TokenError('malformed', '"alg" header parameter missing or invalid');
  if (!(issuer.algorithms as readonly string[]).includes(alg)) throw new TokenError('algorithm_not_allowed', `alg ${alg} is not allowed for this issuer`);
  return alg;
}

/**
 * `canonicalHash` is the hash of the token's canonical spelling when it differs from `tokenHash`
 * (a high-S ECDSA token of an issuer that accepts them); it is kept with the result for revocation.
 */
export async function verifyJwt(
  jws: CompactJws, issuer: IssuerConfig, keys: IssuerKeys, tokenHash: string, now: () => number, canonicalHash?: string,
): Promise<ValidatedToken> {
  try {
    const { header, claims } = jws;
    const encoded = checkCrit(header);
    const alg = allowedAlg(header, issuer);
    const key = await keys.getKey(header, { protected: jws.protected, payload: jws.payload, signature: jws.signature });
    await verifySignature(alg, key, jws.signingInput, jws.signature, issuer.accept_high_s_signatures);
    if (!encoded) throw new TokenError('malformed', 'JWTs must not use an unencoded payload');
    checkClaims(header, claims, issuer, now());
    const token = toValidatedToken('jwt', issuer, claims, tokenHash);
    return canonicalHash !== undefined && canonicalHash !== tokenHash ? { ...token, canonicalHash } : token;
  } catch (err) {
    throw toTokenError(err);
  }
}

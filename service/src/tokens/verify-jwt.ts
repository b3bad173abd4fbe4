// Verifies a JWT against its (already selected) issuer with jose, mapping every failure to a reason.
// Header-supplied key locations (jku, x5u, embedded jwk) are never consulted: keys come only from
// the issuer's configured source.
import { errors, jwtVerify } from 'jose';
import type { IssuerConfig } from '../config/types.js';
import { TokenError, type InvalidReason } from './errors.js';
import type { IssuerKeys } from './issuer-keys.js';
import { toValidatedToken, type ValidatedToken } from './validated-token.js';

function claimReason(err: errors.JWTClaimValidationFailed): InvalidReason {
  if (err.reason === 'missing') return 'missing_claim';
  switch (err.claim) {
    case 'nbf': return 'not_yet_valid';
    case 'iss': return 'unknown_issuer';
    case 'typ': return 'wrong_type';
    default: return 'claim_invalid';
  }
}

/** Maps a jose (or other) failure to a TokenError with a stable reason. */
export function toTokenError(err: unknown): TokenError {
  if (err instanceof TokenError) return err;
  if (err instanceof errors.JWTExpired) return new TokenError('expired', 'token expired');
  if (err instanceof errors.JWTClaimValidationFailed) return new TokenError(claimReason(err), err.message);
  if (err instanceof errors.JOSEAlgNotAllowed) return new TokenError('algorithm_not_allowed', err.message);
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenError('bad_signature', 'signature verification failed');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return new TokenError('unknown_key', err.message);
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported || err instanceof errors.JWKInvalid) {
    return new TokenError('malformed', err.message);
  }
  // jose raises TypeError when a header's alg does not fit the key type it resolved.
  if (err instanceof TypeError) return new TokenError('malformed', err.message);
  return new TokenError('internal', 'unexpected validation failure', { cause: err });
}

export async function verifyJwt(token: string, issuer: IssuerConfig, keys: IssuerKeys, tokenHash: string, now: () => number): Promise<ValidatedToken> {
  try {
    const currentDate = new Date(now());
    const { payload } = await jwtVerify(token, keys.getKey, {
      issuer: issuer.issuer,
      algorithms: issuer.algorithms,
      clockTolerance: issuer.clock_tolerance,
      requiredClaims: ['exp'],
      currentDate,
      ...(issuer.required_typ !== undefined ? { typ: issuer.required_typ } : {}),
    });
    // jose checks iat only with maxTokenAge; a token issued in the future is refused here.
    if (typeof payload.iat === 'number' && payload.iat > currentDate.getTime() / 1000 + issuer.clock_tolerance) {
      throw new TokenError('claim_invalid', 'iat is in the future');
    }
    return toValidatedToken('jwt', issuer, payload as Record<string, unknown>, tokenHash);
  } catch (err) {
    throw toTokenError(err);
  }
}

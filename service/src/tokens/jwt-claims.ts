// The claim checks of a verified JWT, in jose's jwtVerify order and with its exact comparisons,
// plus two jose leaves out: an `iat` in the future is refused, and so is an `exp` further ahead than
// the issuer's max_token_lifetime (a jti revocation without `exp` lasts that long, so no token may
// outlive it).
import type { IssuerConfig } from '../config/types.js';
import { TokenError } from './errors.js';

// jose compares media types case-insensitively, with `application/` implied when there is no slash.
function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return value.includes('/') ? lower : `application/${lower}`;
}

// A present time claim must be a number; the reason names what the claim guards (jose maps a
// non-numeric `nbf` with the nbf check itself).
function numericDate(claims: Record<string, unknown>, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TokenError(claim === 'nbf' ? 'not_yet_valid' : 'claim_invalid', `"${claim}" claim must be a number`);
  return value;
}

const REQUIRED = ['iss', 'exp'] as const;

/** Throws the TokenError for the first claim that fails, as jwtVerify with these options would. */
export function checkClaims(header: Record<string, unknown>, claims: Record<string, unknown>, issuer: IssuerConfig, nowMs: number): void {
  const required = issuer.required_typ;
  if (required !== undefined && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(required))) {
    throw new TokenError('wrong_type', 'unexpected "typ" JWT header value');
  }
  for (const claim of REQUIRED) {
    if (!Object.hasOwn(claims, claim)) throw new TokenError('missing_claim', `missing required "${claim}" claim`);
  }
  if (claims.iss !== issuer.issuer) throw new TokenError('unknown_issuer', 'unexpected "iss" claim value');
  const tolerance = issuer.clock_tolerance;
  // As jose reads a Date: whole milliseconds, then whole seconds.
  const ms = Math.trunc(nowMs);
  const now = Math.floor(ms / 1000);
  if (!Number.isFinite(tolerance) || tolerance < 0 || !Number.isFinite(now)) throw new TokenError('malformed', 'invalid clock or clock tolerance');
  const iat = numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) throw new TokenError('not_yet_valid', '"nbf" claim timestamp check failed');
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now - tolerance) throw new TokenError('expired', 'token expired');
  if (exp !== undefined && exp > now + issuer.max_token_lifetime + tolerance) {
    throw new TokenError('claim_invalid', '"exp" is further ahead than the issuer\'s max_token_lifetime');
  }
  // jose checks iat only against a maximum token age; a token issued in the future is refused here.
  if (iat !== undefined && iat > ms / 1000 + tolerance) throw new TokenError('claim_invalid', 'iat is in the future');
}

// Turns the service's invalid_token reason into an error_description that is safe to show the token's holder.

/** Said when the service gave no reason the SDK knows (never the service's own words: they could carry anything). */
export const GENERIC_INVALID_TOKEN = 'The access token is invalid, expired, revoked, or not meant for this server';

// Keys are the service's stable token reasons; several share one description so as to tell a
// client what to do (get a new token, ask another issuer) without detailing the verification.
const descriptions: Record<string, string> = {
  expired: 'The access token has expired',
  not_yet_valid: 'The access token is not valid yet',
  revoked: 'The access token has been revoked',
  inactive: 'The access token is not active',
  audience_mismatch: 'The access token was issued for another resource (wrong audience)',
  unknown_issuer: 'The access token was issued by an unknown issuer',
  untrusted_issuer: 'The access token was issued by an issuer this server does not trust',
  malformed: 'The access token is malformed',
  too_large: 'The access token is too large',
  unsupported_token: 'The access token is of an unsupported kind',
  opaque_not_supported: 'The access token is of an unsupported kind',
  wrong_type: 'The token is not an access token',
  algorithm_not_allowed: 'The access token signature could not be verified',
  bad_signature: 'The access token signature could not be verified',
  unknown_key: 'The access token signature could not be verified',
  missing_claim: 'The access token lacks a required claim',
  claim_invalid: 'The access token has an invalid claim',
  keys_unavailable: 'The access token could not be verified right now',
  introspection_failed: 'The access token could not be verified right now',
  internal: 'The access token could not be verified right now',
};

/**
 * The `error_description` of a 401 for an `invalid_token` decision: a fixed sentence chosen by
 * the first reason the SDK knows, else {@link GENERIC_INVALID_TOKEN}.
 *
 * @param reasons - the decision's `reasons`
 */
export function describeInvalidToken(reasons: readonly string[]): string {
  for (const reason of reasons) {
    if (Object.hasOwn(descriptions, reason)) return descriptions[reason]!;
  }
  return GENERIC_INVALID_TOKEN;
}

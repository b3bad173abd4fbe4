// Why a token is not valid: one error class with a stable reason, used for answers and metrics.

/** Every reason a token can be refused. Stable: metrics labels and logs use these values. */
export const INVALID_REASONS = [
  'malformed',
  'too_large',
  'unsupported_token',
  'unknown_issuer',
  'untrusted_issuer',
  'audience_mismatch',
  'algorithm_not_allowed',
  'bad_signature',
  'unknown_key',
  'keys_unavailable',
  'expired',
  'not_yet_valid',
  'missing_claim',
  'claim_invalid',
  'wrong_type',
  'opaque_not_supported',
  'inactive',
  'introspection_failed',
  'revoked',
  'internal',
] as const;

export type InvalidReason = (typeof INVALID_REASONS)[number];

/** A refused token. `code` is `ERR_TOKEN_<REASON>`; `message` never contains the token. */
export class TokenError extends Error {
  readonly reason: InvalidReason;
  readonly code: string;

  constructor(reason: InvalidReason, message: string = reason.replace(/_/g, ' '), options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenError';
    this.reason = reason;
    this.code = `ERR_TOKEN_${reason.toUpperCase()}`;
  }
}

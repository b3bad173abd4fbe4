// Why a token is not valid: one error class with a stable reason, used for answers and metrics.
import { AuthzServiceError, type InvalidReason, type TokenErrorCode } from '../errors/index.js';

export { INVALID_REASONS, type InvalidReason } from '../errors/index.js';

/** A refused token. `code` is `ERR_TOKEN_<REASON>`; `message` never contains the token. */
export class TokenError extends AuthzServiceError<TokenErrorCode> {
  readonly reason: InvalidReason;
  readonly code: TokenErrorCode;

  constructor(reason: InvalidReason, message: string = reason.replace(/_/g, ' '), options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenError';
    this.reason = reason;
    this.code = `ERR_TOKEN_${reason.toUpperCase()}` as TokenErrorCode;
  }
}

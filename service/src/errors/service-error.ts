// The base of every error the service raises: a stable `code` from ServiceErrorCode, a `name`, an optional `cause`.
import type { ServiceErrorCode } from './codes.js';

/** Every service error extends this; callers branch on `code` (stable) or `instanceof`, never on messages. */
export abstract class AuthzServiceError<C extends ServiceErrorCode = ServiceErrorCode> extends Error {
  abstract readonly code: C;

  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    // The subclass's own name, so logs and stack traces say which failure it is.
    this.name = new.target.name;
  }
}

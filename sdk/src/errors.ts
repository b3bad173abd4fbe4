// Typed SDK errors: one base class, one subclass per failure, each with a stable `code`.

/** Base class of every error the SDK raises on purpose; `code` is stable and safe to branch on. */
export class AuthzError extends Error {
  /** Stable machine-readable code, e.g. `ERR_AUTHZ_TIMEOUT`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable description (never contains a token)
   * @param options - optional underlying cause
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The authorization service did not answer within `timeoutMs` (retries included). Callers must fail closed. */
export class AuthzTimeoutError extends AuthzError {
  /** @param timeoutMs - the deadline that passed */
  constructor(timeoutMs: number) {
    super('ERR_AUTHZ_TIMEOUT', `authorization service did not answer within ${timeoutMs} ms`);
  }
}

/** The authorization service could not be reached or answered 5xx (after the allowed retries). Callers must fail closed. */
export class AuthzUnavailableError extends AuthzError {
  /** HTTP status when the service answered, otherwise undefined (network error). */
  readonly status: number | undefined;

  /**
   * @param message - what went wrong
   * @param status - HTTP status if a response arrived
   * @param cause - underlying network error, if any
   */
  constructor(message: string, status?: number, cause?: unknown) {
    super('ERR_AUTHZ_UNAVAILABLE', message, { cause });
    this.status = status;
  }
}

/**
 * The service refused the request itself (4xx: malformed body, caller not authenticated,
 * caller not registered for the server, throttled). `problemCode` is the service's RFC 9457 `code`.
 */
export class AuthzRequestError extends AuthzError {
  /** HTTP status of the service's answer. */
  readonly status: number;
  /** The `code` member of the service's problem+json body, when present. */
  readonly problemCode: string | undefined;

  /**
   * @param status - HTTP status
   * @param problemCode - problem+json `code`
   * @param detail - problem+json `detail` or `title`
   */
  constructor(status: number, problemCode: string | undefined, detail: string) {
    super('ERR_AUTHZ_REQUEST_REJECTED', `authorization service rejected the request (${status}${problemCode ? ` ${problemCode}` : ''}): ${detail}`);
    this.status = status;
    this.problemCode = problemCode;
  }
}

/** The service answered 200 with a body that does not match the contract. Callers must fail closed. */
export class AuthzResponseError extends AuthzError {
  /** @param message - which part of the answer was wrong */
  constructor(message: string) {
    super('ERR_AUTHZ_BAD_RESPONSE', `unexpected answer from the authorization service: ${message}`);
  }
}

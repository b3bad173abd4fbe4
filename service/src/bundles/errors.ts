// Typed errors of bundle loading, signing and fetching: a stable code and what was wrong.
import { AuthzServiceError, type BundleErrorCode } from '../errors/index.js';

/** Stable codes (status, logs and the `mcp_authz_policy_bundle_rejected_total` metric carry them). */
export type { BundleErrorCode } from '../errors/index.js';

export class BundleError extends AuthzServiceError<BundleErrorCode> {
  readonly code: BundleErrorCode;
  /** The file of the bundle concerned, when there is one. */
  readonly file?: string;

  constructor(code: BundleErrorCode, message: string, file?: string) {
    super(file !== undefined ? `${file}: ${message}` : message);
    this.name = 'BundleError';
    this.code = code;
    if (file !== undefined) this.file = file;
  }
}

// Typed errors of bundle loading, signing and fetching: a stable code and what was wrong.

/** Stable codes (status, logs and the `mcp_authz_policy_bundle_rejected_total` metric carry them). */
export type BundleErrorCode =
  | 'bundle_invalid' // not a readable .tar.gz bundle, or its manifest, data or roots are wrong
  | 'bundle_unsigned' // signatures are required and the bundle has none
  | 'bundle_signature_invalid' // the signature does not verify, or a file's digest does not match it
  | 'bundle_fetch_error'; // the bundle server could not be reached or answered an error

export class BundleError extends Error {
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

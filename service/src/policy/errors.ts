// Typed errors of the policy directory loader: a stable code and the file they concern.
import { AuthzServiceError, type PolicyLoadErrorCode } from '../errors/index.js';

/** Stable codes: callers (service reload, CLI) branch on these, never on message text. */
export type { PolicyLoadErrorCode } from '../errors/index.js';

/** A failure to load a policy directory; `file` names the offending file (as given or found). */
export class PolicyLoadError extends AuthzServiceError<PolicyLoadErrorCode> {
  readonly code: PolicyLoadErrorCode;
  readonly file: string;
  /** The failure without the file name (the message is `file: reason`). */
  readonly reason: string;
  /** For conflicts: the file that defined the value first. */
  readonly otherFile?: string;

  constructor(code: PolicyLoadErrorCode, file: string, message: string, otherFile?: string) {
    super(`${file}: ${message}`);
    this.name = 'PolicyLoadError';
    this.code = code;
    this.file = file;
    this.reason = message;
    if (otherFile !== undefined) this.otherFile = otherFile;
  }
}

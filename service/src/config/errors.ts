// The configuration error: every problem names the key (or environment variable) it is about.
import { AuthzServiceError } from '../errors/index.js';
import type { SchemaIssue } from '../schema/create-ajv.js';

export class ConfigError extends AuthzServiceError<'ERR_CONFIG_INVALID'> {
  readonly code = 'ERR_CONFIG_INVALID';
  readonly issues: readonly SchemaIssue[];

  constructor(issues: SchemaIssue[], source?: string) {
    const head = source === undefined ? 'invalid configuration' : `invalid configuration (${source})`;
    super(`${head}:\n${issues.map((i) => `  - ${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

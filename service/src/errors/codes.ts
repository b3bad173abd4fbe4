// Every stable code a service error carries, by family, as one string-literal union (ServiceErrorCode).
// The values are stable: tests, logs, metrics labels and the problem table read them. Add, never rename.

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

/** A refused token's code: `ERR_TOKEN_<REASON>`. */
export type TokenErrorCode = `ERR_TOKEN_${Uppercase<InvalidReason>}`;

/** The codes of the service's own API problems; http/problems.ts gives each its status and title. */
export const PROBLEM_CODES = [
  'invalid_request',
  'malformed_body',
  'nesting_too_deep',
  'unsupported_content_type',
  'revocation_exp_too_far',
  'malformed_content_encoding',
  'missing_credentials',
  'malformed_credentials',
  'invalid_credentials',
  'server_not_allowed',
  'unknown_server',
  'admin_required',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_content_encoding',
  'arguments_too_large',
  'too_many_failures',
  'internal_error',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** OPA's error codes (its server/types package), answered by the OPA-compatible routes. */
export const OPA_ERROR_CODES = ['internal_error', 'unauthorized', 'invalid_parameter', 'resource_not_found', 'undefined_document'] as const;

export type OpaErrorCode = (typeof OPA_ERROR_CODES)[number];

/** OPA's codes for Rego parse, compile and evaluation errors. */
export const REGO_ERROR_CODES = [
  'rego_parse_error',
  'rego_compile_error',
  'rego_type_error',
  'rego_unsafe_var_error',
  'rego_recursion_error',
  'eval_builtin_error',
  'eval_conflict_error',
  'eval_type_error',
  'eval_internal_error',
  'eval_depth_limit_error',
  'eval_step_limit_error',
  'eval_timeout_error',
  'eval_memory_limit_error',
] as const;

export type RegoErrorCode = (typeof REGO_ERROR_CODES)[number];

/** Bundle failures. */
export const BUNDLE_ERROR_CODES = [
  'bundle_invalid', // not a readable .tar.gz bundle, or its manifest, data or roots are wrong
  'bundle_unsigned', // signatures are required and the bundle has none
  'bundle_signature_invalid', // the signature does not verify, or a file's digest does not match it
  'bundle_fetch_error', // the bundle server could not be reached or answered an error
] as const;

export type BundleErrorCode = (typeof BUNDLE_ERROR_CODES)[number];

/** Policy directory load failures. */
export const POLICY_LOAD_ERROR_CODES = [
  'policy_load_error', // a path is missing, unreadable or of an unsupported type
  'policy_data_error', // a data.json / data.yaml file does not parse
  'policy_data_conflict', // two data files define the same document differently
] as const;

export type PolicyLoadErrorCode = (typeof POLICY_LOAD_ERROR_CODES)[number];

/** The codes of single-purpose errors, one class each (several internal builtin failures share one). */
export const OTHER_ERROR_CODES = [
  'ERR_CONFIG_INVALID',
  'ERR_OAUTH_USERS',
  'ERR_FETCH_JSON',
  'ERR_LOG_QUEUE_FULL',
  'ERR_TAR_INVALID',
  'ERR_DOCUMENT_PARSE',
  'ERR_CLI_USAGE',
  'ERR_CLI_INPUT_FILE',
  'ERR_DEV_KEY',
  'ERR_REGO_LEX',
  'ERR_REGO_PARSE',
  'ERR_REGO_COMPILE',
  'ERR_BUILTIN_FAILURE',
  'ERR_REGEX_SYNTAX',
  'ERR_JSON_SYNTAX',
  'ERR_GQL_SYNTAX',
  'ERR_GQL_DECODE',
  'ERR_GO_TIME',
  'ERR_GO_URL',
  'ERR_DER',
  'ERR_JWT_KEY',
  'ERR_JWT_ENCODING',
  'policy_git_error',
  'policy_not_loaded',
  'decision_log_http_error',
] as const;

export type OtherErrorCode = (typeof OTHER_ERROR_CODES)[number];

/** Every code a service error can carry. */
export type ServiceErrorCode =
  | TokenErrorCode
  | ProblemCode
  | OpaErrorCode
  | RegoErrorCode
  | BundleErrorCode
  | PolicyLoadErrorCode
  | OtherErrorCode;

/** Every code once, as a runtime list (token codes spelled out; `internal_error` is both a problem and an OPA code). */
export const SERVICE_ERROR_CODES: readonly ServiceErrorCode[] = [
  ...new Set<ServiceErrorCode>([
    ...INVALID_REASONS.map((r) => `ERR_TOKEN_${r.toUpperCase()}` as TokenErrorCode),
    ...PROBLEM_CODES,
    ...OPA_ERROR_CODES,
    ...REGO_ERROR_CODES,
    ...BUNDLE_ERROR_CODES,
    ...POLICY_LOAD_ERROR_CODES,
    ...OTHER_ERROR_CODES,
  ]),
];

/** Whether `code` is one of the service's error codes. */
export function isServiceErrorCode(code: unknown): code is ServiceErrorCode {
  return typeof code === 'string' && (SERVICE_ERROR_CODES as readonly string[]).includes(code);
}

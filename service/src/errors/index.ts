// The service's error family: the base class and the union of stable codes.
export { AuthzServiceError } from './service-error.js';
export {
  BUNDLE_ERROR_CODES,
  INVALID_REASONS,
  OPA_ERROR_CODES,
  OTHER_ERROR_CODES,
  POLICY_LOAD_ERROR_CODES,
  PROBLEM_CODES,
  REGO_ERROR_CODES,
  SERVICE_ERROR_CODES,
  isServiceErrorCode,
  type BundleErrorCode,
  type InvalidReason,
  type OpaErrorCode,
  type OtherErrorCode,
  type PolicyLoadErrorCode,
  type ProblemCode,
  type RegoErrorCode,
  type ServiceErrorCode,
  type TokenErrorCode,
} from './codes.js';

// Public door of token validation (no HTTP framework inside).
export { createTokenValidator } from './validator.js';
export { hashToken } from '@mcp-authz/contract';
export type {
  RevocationQuery, TokenKind, TokenObserver, TokenValidation, TokenValidator, TokenValidatorOptions,
} from './validator.js';
export { TokenError, INVALID_REASONS } from './errors.js';
export type { InvalidReason } from './errors.js';
export { createMemoryValidationCache } from './validation-cache.js';
export type { MemoryValidationCacheOptions, TokenValidationCache } from './validation-cache.js';
export type { ValidatedToken } from './validated-token.js';
export type { KeySetStatus, KeySetState } from './remote-key-set.js';
export { discoverIssuer, discoveryUrls } from './discovery.js';
export type { IssuerMetadata } from './discovery.js';
export type { FetchLike } from './fetch-json.js';

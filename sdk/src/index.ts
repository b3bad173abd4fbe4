// Public door of @mcp-authz/sdk: only re-exports.
export { createAuthzClient } from './client/create-authz-client.js';
export type { AuthzCacheOptions, AuthzClient, AuthzClientOptions, IntrospectOptions } from './client/create-authz-client.js';
export type {
  BatchDecisionRequest, BatchDecisionResponse, Decision, DecisionAction, DecisionContext, DecisionOutcome,
  DecisionRequest, DecisionSubject, IntrospectionResponse,
} from './client/types.js';
export { canonicalJson } from '@mcp-authz/contract';
export { AuthzError, AuthzRequestError, AuthzResponseError, AuthzTimeoutError, AuthzUnavailableError } from './errors.js';
export type { AuthInfo } from './auth-info/auth-info.js';
export { decisionToAuthInfo, introspectionToAuthInfo } from './auth-info/to-auth-info.js';
export { createIntrospectionVerifier } from './auth-info/introspection-verifier.js';
export type { IntrospectionVerifierOptions, TokenVerifier } from './auth-info/introspection-verifier.js';
export { createAuthzGate } from './core/gate.js';
export type { AuthzGate, AuthzGateOptions, GateRequest, GateResult, MessageRewriter } from './core/gate.js';
export type { GateAnswer } from './core/challenge.js';
export type { AuthzLogger } from './core/failures.js';
export { DEFAULT_MAX_ARGUMENT_BYTES } from './core/check-messages.js';
export { describeInvalidToken } from './core/token-reasons.js';
export { AUTHZ_DENIED_CODE, AUTHZ_UNAVAILABLE_CODE, INTERNAL_ERROR_CODE, INVALID_PARAMS_CODE, INVALID_REQUEST_CODE } from './core/jsonrpc.js';
export { createAuthzMiddleware } from './express/authz-middleware.js';
export type { AuthzMiddlewareOptions } from './express/authz-middleware.js';
export { createMcpAuthz } from './express/create-mcp-authz.js';
export type { McpAuthz, McpAuthzOptions } from './express/create-mcp-authz.js';
export { createAuthzFetch } from './web/authz-fetch.js';
export type { AuthzFetchExtra, AuthzFetchHandler, AuthzFetchOptions } from './web/authz-fetch.js';
export { protectedResourceMetadata, protectedResourceMetadataFetch, buildProtectedResourceMetadata } from './metadata/protected-resource-metadata.js';
export type { ProtectedResourceMetadata, ProtectedResourceMetadataOptions } from './metadata/protected-resource-metadata.js';
export { protectedResourceMetadataPath, protectedResourceMetadataUrl } from './metadata/metadata-url.js';

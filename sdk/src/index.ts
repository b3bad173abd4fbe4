// Public door of @mcp-authz/sdk: only re-exports.
export { createAuthzClient } from './client/create-authz-client.js';
export type { AuthzCacheOptions, AuthzClient, AuthzClientOptions, IntrospectOptions } from './client/create-authz-client.js';
export type {
  BatchDecisionRequest, BatchDecisionResponse, Decision, DecisionAction, DecisionContext, DecisionOutcome,
  DecisionRequest, DecisionSubject, IntrospectionResponse,
} from './client/types.js';
export { canonicalJson } from '@mcp-authz/contract';
export { AuthzError, AuthzRequestError, AuthzResponseError, AuthzTimeoutError, AuthzUnavailableError } from './errors.js';
export { decisionToAuthInfo, introspectionToAuthInfo } from './auth-info/to-auth-info.js';
export { createIntrospectionVerifier } from './auth-info/introspection-verifier.js';
export type { IntrospectionVerifierOptions } from './auth-info/introspection-verifier.js';
export { createAuthzMiddleware } from './express/authz-middleware.js';
export type { AuthzMiddlewareOptions } from './express/authz-middleware.js';
export { createMcpAuthz } from './express/create-mcp-authz.js';
export type { McpAuthz, McpAuthzOptions } from './express/create-mcp-authz.js';
export { AUTHZ_DENIED_CODE, AUTHZ_UNAVAILABLE_CODE } from './express/jsonrpc.js';
export { protectedResourceMetadata, buildProtectedResourceMetadata } from './metadata/protected-resource-metadata.js';
export type { ProtectedResourceMetadata, ProtectedResourceMetadataOptions } from './metadata/protected-resource-metadata.js';
export { protectedResourceMetadataPath, protectedResourceMetadataUrl } from './metadata/metadata-url.js';

// One call that wires client, middleware, metadata and verifier for an MCP server on express.
import type { Request, RequestHandler } from 'express';
import { createIntrospectionVerifier, type TokenVerifier } from '../auth-info/introspection-verifier.js';
import { createAuthzClient, type AuthzClient, type AuthzClientOptions } from '../client/create-authz-client.js';
import type { DecisionContext } from '../client/types.js';
import type { AuthzLogger } from '../core/failures.js';
import { protectedResourceMetadataUrl } from '../metadata/metadata-url.js';
import { protectedResourceMetadata } from '../metadata/protected-resource-metadata.js';
import { createAuthzMiddleware } from './authz-middleware.js';

/** Options of {@link createMcpAuthz}: the client's options plus what describes this MCP server. */
export interface McpAuthzOptions extends AuthzClientOptions {
  /** This MCP server's id in the service's registry. */
  server: string;
  /** Canonical resource URI of the MCP endpoint, e.g. `https://mcp.example.com/mcp`. */
  resource: string;
  /** Authorization servers advertised in the protected resource metadata. */
  authorizationServers: string[];
  /** `scopes_supported` of the metadata. */
  scopesSupported?: string[];
  /** Scopes named in 401 challenges. */
  scope?: string[];
  /** Request facts sent as decision `context` (default `{ client_ip: req.ip }`). */
  context?: (req: Request) => DecisionContext;
  /** Largest `arguments` of one call, as JSON bytes (default 32768); larger calls get JSON-RPC -32602. */
  maxArgumentBytes?: number;
  /** Where this server's misconfigurations are written once with their fix (default `console`). */
  logger?: AuthzLogger;
  /** Observer of every error that made a request fail closed (logging, metrics). */
  onError?: (error: unknown) => void;
}

/** What {@link createMcpAuthz} returns. */
export interface McpAuthz {
  /** The underlying API client. */
  client: AuthzClient;
  /** Middleware to put before the MCP transport on the MCP endpoint. */
  middleware: RequestHandler;
  /** Handler serving RFC 9728 metadata; mount with `app.use`. */
  metadata: RequestHandler;
  /** Introspection-based verifier for the MCP SDK's `requireBearerAuth` (v1 errors; see `createIntrospectionVerifier` for v2). */
  verifier: TokenVerifier;
  /** The metadata URL named in challenges. */
  resourceMetadataUrl: string;
  /** Closes the client's connections. */
  close(): void;
}

/**
 * Wires everything an express MCP server needs:
 *
 * ```ts
 * const authz = createMcpAuthz({ url, clientId, clientSecret, server: 'files', resource, authorizationServers });
 * app.use(authz.metadata);
 * app.post('/mcp', express.json(), authz.middleware, mcpHandler);
 * ```
 *
 * @param options - service connection and MCP server description
 */
export function createMcpAuthz(options: McpAuthzOptions): McpAuthz {
  const client = createAuthzClient(options);
  return {
    client,
    middleware: createAuthzMiddleware({ ...options, client }),
    metadata: protectedResourceMetadata({
      resource: options.resource,
      authorizationServers: options.authorizationServers,
      scopesSupported: options.scopesSupported,
    }),
    verifier: createIntrospectionVerifier({ client, server: options.server }),
    resourceMetadataUrl: protectedResourceMetadataUrl(options.resource),
    close: () => client.close(),
  };
}

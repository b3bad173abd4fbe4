// The v2 example as one web-standard handler: RFC 9728 metadata, then createAuthzFetch around v2's WebStandard transport.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import {
  createAuthzClient, createAuthzFetch, protectedResourceMetadataFetch,
  type AuthzClient, type AuthzClientOptions, type AuthzGateOptions,
} from '@mcp-authz/sdk';
import type { FileStore } from '../mcp-server/file-store.js';
import { createFilesMcpServerV2 } from './create-mcp-server.js';

/** Options of {@link createWebApp}. */
export interface WebAppOptions {
  /** How to reach mcp-authz and how this server is registered there. */
  authz: AuthzClientOptions & Omit<AuthzGateOptions, 'client'> & { authorizationServers: string[]; scopesSupported?: string[] };
  /** The file system the tools act on. */
  store: FileStore;
  /** Answer with plain JSON instead of SSE streams. */
  jsonResponse?: boolean;
}

/**
 * Builds `fetch(request) → Response` for the example: usable with Node (through
 * `toNodeHandler` of `@modelcontextprotocol/node`), Hono, Workers, Deno or Bun.
 *
 * @param options - authz settings, store, response mode
 */
export function createWebApp(options: WebAppOptions): { fetch: (request: Request) => Promise<Response>; client: AuthzClient } {
  const { authorizationServers, scopesSupported, ...gate } = options.authz;
  const client = createAuthzClient(options.authz);
  const metadata = protectedResourceMetadataFetch({ resource: gate.resource, authorizationServers, ...(scopesSupported ? { scopesSupported } : {}) });
  const mcp = createAuthzFetch({ ...gate, client }, async (request, extra) => {
    // Stateless: one server and transport per request, as in the v1 example.
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: options.jsonResponse ?? false });
    const server = createFilesMcpServerV2(options.store);
    await server.connect(transport);
    return transport.handleRequest(request, extra);
  });
  const mcpPath = new URL(gate.resource).pathname;
  return {
    client,
    async fetch(request) {
      const answered = metadata(request);
      if (answered !== undefined) return answered;
      if (new URL(request.url).pathname !== mcpPath) return new Response('Not found', { status: 404 });
      if (request.method !== 'POST') {
        // Stateless server: no standalone SSE stream and no session to delete; the gate still answers 401 first.
        return mcp(request).then((response) => (response.status === 401 ? response
          : Response.json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed' } }, { status: 405, headers: { allow: 'POST' } })));
      }
      return mcp(request);
    },
  };
}

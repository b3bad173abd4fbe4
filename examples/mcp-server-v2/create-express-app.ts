// The v2 example on v2's express app: createMcpExpressApp, the mcp-authz middleware, then v2's Node transport.
import type { Express } from 'express';
import { createMcpExpressApp } from '@modelcontextprotocol/express';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { createMcpAuthz, type McpAuthz, type McpAuthzOptions } from '@mcp-authz/sdk';
import type { FileStore } from '../mcp-server/file-store.js';
import { createFilesMcpServerV2 } from './create-mcp-server.js';

/** Options of {@link createExpressAppV2}. */
export interface ExpressAppV2Options {
  /** How to reach mcp-authz and how this server is registered there. */
  authz: McpAuthzOptions;
  /** The file system the tools act on. */
  store: FileStore;
  /** Answer with plain JSON instead of SSE streams. */
  jsonResponse?: boolean;
}

/**
 * Builds the example on v2's express app. The SDK part is the same three `authz` lines as with v1.
 *
 * @param options - authz settings, store, response mode
 */
export function createExpressAppV2(options: ExpressAppV2Options): { app: Express; authz: McpAuthz } {
  const app = createMcpExpressApp();
  const authz = createMcpAuthz(options.authz);
  app.use(authz.metadata);
  app.post('/mcp', authz.middleware, async (req, res) => {
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: options.jsonResponse ?? false });
    const server = createFilesMcpServerV2(options.store);
    res.on('close', () => void server.close());
    await server.connect(transport);
    // v2's transport reads `req.auth`, which the middleware set.
    await transport.handleRequest(req, res, req.body);
  });
  app.all('/mcp', authz.middleware, (_req, res) => {
    res.status(405).set('allow', 'POST').json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed' } });
  });
  return { app, authz };
}

// The example's express app: RFC 9728 metadata, the mcp-authz middleware, then a stateless MCP transport.
import express, { type Express } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpAuthz, type McpAuthz, type McpAuthzOptions } from '@mcp-authz/sdk';
import { createFilesMcpServer } from './create-mcp-server.js';
import type { FileStore } from './file-store.js';

/** Options of {@link createExampleApp}. */
export interface ExampleAppOptions {
  /** How to reach mcp-authz and how this server is registered there. */
  authz: McpAuthzOptions;
  /** The file system the tools act on. */
  store: FileStore;
  /** Answer with plain JSON instead of SSE streams. */
  jsonResponse?: boolean;
}

/**
 * Builds the example app. The SDK part is the three `authz` lines; the rest is the usual
 * stateless Streamable HTTP setup of the MCP TypeScript SDK.
 *
 * @param options - authz settings, store, response mode
 */
export function createExampleApp(options: ExampleAppOptions): { app: Express; authz: McpAuthz } {
  const app = express();
  const authz = createMcpAuthz(options.authz);
  app.use(authz.metadata);
  app.post('/mcp', express.json(), authz.middleware, async (req, res) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: options.jsonResponse });
    const server = createFilesMcpServer(options.store);
    res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless server: no standalone SSE stream and no session to delete.
  app.all('/mcp', authz.middleware, (_req, res) => {
    res.status(405).set('allow', 'POST').json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed' } });
  });
  return { app, authz };
}

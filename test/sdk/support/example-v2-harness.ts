// Starts the MCP SDK v2 example (web-standard or v2 express) against a given mcp-authz URL and connects v2 clients to it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import type { AuthzClient, McpAuthzOptions } from '@mcp-authz/sdk';
import { exampleSeed, FileStore } from '../../../examples/mcp-server/file-store.js';
import { createExpressAppV2 } from '../../../examples/mcp-server-v2/create-express-app.js';
import { createWebApp } from '../../../examples/mcp-server-v2/create-web-app.js';
import { postMcp } from './post-mcp.js';

/** Which v2 wiring to start. */
export type V2Adapter = 'web' | 'express';

/** A running v2 example server. */
export interface ExampleV2Harness {
  url: string;
  resource: string;
  metadataUrl: string;
  store: FileStore;
  /** The SDK's client of the service (to clear its cache). */
  client: AuthzClient;
  /** Connects an MCP SDK v2 client sending `Authorization: Bearer <token>`. */
  connect(token: string): Promise<Client>;
  /** Raw JSON-RPC POST to the MCP endpoint. */
  post(body: unknown, token?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the v2 example on 127.0.0.1:0.
 *
 * @param adapter - createAuthzFetch around the web-standard transport, or the middleware on v2's express app
 * @param authz - everything but `resource`, which is derived from the port
 * @param jsonResponse - JSON instead of SSE answers
 */
export async function startExampleV2(adapter: V2Adapter, authz: Omit<McpAuthzOptions, 'resource'>, jsonResponse = false): Promise<ExampleV2Harness> {
  const store = new FileStore(exampleSeed);
  let listener: http.RequestListener = () => undefined;
  const server = http.createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const resource = `${origin}/mcp`;
  let client: AuthzClient;
  if (adapter === 'express') {
    const built = createExpressAppV2({ authz: { ...authz, resource }, store, jsonResponse });
    listener = built.app;
    client = built.authz.client;
  } else {
    const built = createWebApp({ authz: { ...authz, resource }, store, jsonResponse });
    const handle = toNodeHandler({ fetch: built.fetch });
    listener = (req, res) => void handle(req, res);
    client = built.client;
  }
  const clients: Client[] = [];
  return {
    url: origin,
    resource,
    metadataUrl: `${origin}/.well-known/oauth-protected-resource/mcp`,
    store,
    client,
    async connect(token) {
      const mcp = new Client({ name: 'sdk-test-v2', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
      await mcp.connect(transport);
      clients.push(mcp);
      return mcp;
    },
    post: (body, token) => postMcp(resource, body, token === undefined ? undefined : `Bearer ${token}`),
    async close() {
      await Promise.all(clients.map((mcp) => mcp.close()));
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

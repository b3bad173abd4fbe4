// Starts the example MCP server against a given mcp-authz URL and connects official MCP clients to it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createExampleApp } from '../../../examples/mcp-server/create-app.js';
import { exampleSeed, FileStore } from '../../../examples/mcp-server/file-store.js';
import type { McpAuthz, McpAuthzOptions } from '@mcp-authz/sdk';

/** A running example server. */
export interface ExampleHarness {
  url: string;
  resource: string;
  store: FileStore;
  authz: McpAuthz;
  /** Connects an official MCP client sending `Authorization: Bearer <token>`. */
  connect(token: string): Promise<Client>;
  /** Raw JSON-RPC POST to the MCP endpoint. */
  post(body: unknown, token?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the example app on 127.0.0.1:0.
 *
 * @param authz - everything but `resource`, which is derived from the port
 * @param jsonResponse - JSON instead of SSE answers
 */
export async function startExample(authz: Omit<McpAuthzOptions, 'resource'>, jsonResponse = false): Promise<ExampleHarness> {
  const store = new FileStore(exampleSeed);
  let handler: http.RequestListener = () => undefined;
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const resource = `${origin}/mcp`;
  const built = createExampleApp({ authz: { ...authz, resource }, store, jsonResponse });
  handler = built.app;
  const clients: Client[] = [];
  return {
    url: origin,
    resource,
    store,
    authz: built.authz,
    async connect(token) {
      const client = new Client({ name: 'sdk-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    post(body, token) {
      return fetch(resource, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify(body),
      });
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      built.authz.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

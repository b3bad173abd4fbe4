// Runs the MCP SDK v2 example (npm run example:mcp-v2): web-standard by default, MCP_ADAPTER=express for v2's express app.
import http from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { exampleSeed, FileStore } from '../mcp-server/file-store.js';
import { createExpressAppV2 } from './create-express-app.js';
import { createWebApp } from './create-web-app.js';

if (!process.env.AUTHZ_CLIENT_SECRET) {
  console.error('example:mcp-v2: set AUTHZ_CLIENT_SECRET to the secret of the caller registered for this server (AUTHZ_CLIENTS on the service)');
  process.exit(1);
}
const port = Number(process.env.MCP_PORT ?? 3000);
const resource = process.env.MCP_RESOURCE ?? `http://127.0.0.1:${port}/mcp`;
const authz = {
  url: process.env.AUTHZ_URL ?? 'http://127.0.0.1:8080',
  clientId: process.env.AUTHZ_CLIENT_ID ?? 'files-mcp',
  clientSecret: process.env.AUTHZ_CLIENT_SECRET,
  server: process.env.MCP_SERVER_ID ?? 'files',
  resource,
  authorizationServers: (process.env.MCP_AUTHORIZATION_SERVERS ?? 'http://127.0.0.1:8080').split(','),
  scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'],
};
const store = new FileStore(exampleSeed);
const listener: http.RequestListener = process.env.MCP_ADAPTER === 'express'
  ? createExpressAppV2({ authz, store }).app
  : (() => {
    const handle = toNodeHandler({ fetch: createWebApp({ authz, store }).fetch });
    return (req, res) => void handle(req, res);
  })();
http.createServer(listener).listen(port, '127.0.0.1', () => {
  console.log(`example MCP server (MCP SDK v2, ${process.env.MCP_ADAPTER === 'express' ? 'express' : 'web-standard'}) on ${resource}, protected by mcp-authz`);
});

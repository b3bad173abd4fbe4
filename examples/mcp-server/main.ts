// Runs the example MCP server (npm run example:mcp), configured from the environment.
import { createExampleApp } from './create-app.js';
import { exampleSeed, FileStore } from './file-store.js';

if (!process.env.AUTHZ_CLIENT_SECRET) {
  console.error('example:mcp: set AUTHZ_CLIENT_SECRET to the secret of the caller registered for this server (AUTHZ_CLIENTS on the service)');
  process.exit(1);
}
const port = Number(process.env.MCP_PORT ?? 3000);
const resource = process.env.MCP_RESOURCE ?? `http://127.0.0.1:${port}/mcp`;
const { app } = createExampleApp({
  store: new FileStore(exampleSeed),
  authz: {
    url: process.env.AUTHZ_URL ?? 'http://127.0.0.1:8080',
    clientId: process.env.AUTHZ_CLIENT_ID ?? 'files-mcp',
    clientSecret: process.env.AUTHZ_CLIENT_SECRET,
    server: process.env.MCP_SERVER_ID ?? 'files',
    resource,
    authorizationServers: (process.env.MCP_AUTHORIZATION_SERVERS ?? 'http://127.0.0.1:8080').split(','),
    scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'],
  },
});
app.listen(port, '127.0.0.1', () => console.log(`example MCP server on ${resource} (protected by mcp-authz)`));

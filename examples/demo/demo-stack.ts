// The demo's moving parts on free loopback ports: the development issuer's key, the service with
// embedded defaults (in-memory stores, no Redis) and the reference policy, and the example MCP
// server registered there as server "files" with its own caller credentials.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { hashSecret } from '../../service/src/callers/index.js';
import { resolveConfig } from '../../service/src/config/index.js';
import { DEV_ISSUER, devIssuerConfig, loadDevKey, mintDevToken, type DevKey } from '../../service/src/dev-issuer/index.js';
import { startService } from '../../service/src/main.js';
import { createExampleApp } from '../mcp-server/create-app.js';
import { exampleSeed, FileStore } from '../mcp-server/file-store.js';

/** The reference policy's server whose tools the example MCP server offers (policies/mcp/data.json). */
export const DEMO_SERVER_ID = 'files';
/** The example MCP server's caller id at the service. */
export const DEMO_CALLER_ID = 'files-mcp';

/** A running demo: addresses, credentials, and a way to mint tokens it trusts. */
export interface DemoStack {
  key: DevKey;
  serviceUrl: string;
  /** The example MCP server's endpoint, also its resource URI (the audience its tokens carry). */
  mcpUrl: string;
  callerSecret: string;
  adminKey: string;
  /** A one-hour token of the development issuer for the example MCP server. */
  token(sub: string, scopes: string[], claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

const POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));

/**
 * Starts the service and the example MCP server wired to each other. The MCP server's port is
 * taken first, because the service must know its resource URI, and the app is attached once the
 * service's address is known.
 *
 * @param cwd - where the development key lives (`.mcp-authz/dev-issuer/`)
 */
export async function startDemoStack(cwd: string = process.cwd()): Promise<DemoStack> {
  const key = await loadDevKey(cwd);
  const mcpHttp = createServer();
  await new Promise<void>((resolve) => mcpHttp.listen(0, '127.0.0.1', resolve));
  const mcpUrl = `http://127.0.0.1:${(mcpHttp.address() as AddressInfo).port}/mcp`;
  const callerSecret = randomBytes(24).toString('base64url');
  const adminKey = randomBytes(24).toString('base64url');

  const config = resolveConfig({
    http: { host: '127.0.0.1', port: 0 },
    logging: { level: 'warn' },
    policies: { dir: POLICY_DIR, watch: false },
    issuers: [devIssuerConfig(key)],
    servers: [{ id: DEMO_SERVER_ID, resource: mcpUrl }],
    callers: [
      { id: DEMO_CALLER_ID, secret_hashes: [hashSecret(callerSecret)], servers: [DEMO_SERVER_ID] },
      { id: 'demo-admin', role: 'admin', secret_hashes: [hashSecret(adminKey)] },
    ],
  });
  let service;
  try {
    service = await startService({ config });
  } catch (err) {
    mcpHttp.close();
    throw err;
  }

  const { app } = createExampleApp({
    store: new FileStore(exampleSeed),
    authz: {
      url: service.url,
      clientId: DEMO_CALLER_ID,
      clientSecret: callerSecret,
      server: DEMO_SERVER_ID,
      resource: mcpUrl,
      authorizationServers: [DEV_ISSUER],
      scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'],
    },
  });
  mcpHttp.on('request', app);

  return {
    key,
    serviceUrl: service.url,
    mcpUrl,
    callerSecret,
    adminKey,
    token: (sub, scopes, claims) => mintDevToken(key, { sub, scopes, audiences: [mcpUrl], ttlSeconds: 3600, ...(claims ? { claims } : {}) }),
    close: async () => {
      await new Promise<void>((resolve) => {
        mcpHttp.close(() => resolve());
        mcpHttp.closeAllConnections();
      });
      await service.close();
    },
  };
}

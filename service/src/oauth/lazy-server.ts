// The built-in authorization server behind a deferred import: oidc-provider (and its Node version
// check) is loaded only when the server is enabled and started, never by a service without it.
import type { RequestHandler } from 'express';
import { builtInIssuer } from '../config/oauth.js';
import type { OAuthServer, OAuthServerOptions } from './server.js';

/**
 * Same contract as createOAuthServer. Requests reach the provider once start() has built it;
 * the service only listens after start(), so none arrive earlier.
 */
export function createLazyOAuthServer(options: OAuthServerOptions): OAuthServer {
  let server: OAuthServer | undefined;
  const handler: RequestHandler = (req, res, next) => (server ? server.handler(req, res, next) : next());
  return {
    issuer: builtInIssuer(options.config),
    handler,
    async start() {
      if (server === undefined) {
        const { createOAuthServer } = await import('./server.js');
        server = createOAuthServer(options);
      }
      await server.start();
    },
    status: () => (server ? server.status() : { status: 'down', detail: 'not started' }),
    close: async () => {
      await server?.close();
    },
  };
}

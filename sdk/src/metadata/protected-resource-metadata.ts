// Serves RFC 9728 protected resource metadata at the well-known path and its path-aware form.
import type { RequestHandler } from 'express';
import { protectedResourceMetadataPath } from './metadata-url.js';

/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceMetadataOptions {
  /** The MCP server's canonical resource URI (the audience its tokens carry). */
  resource: string;
  /** Issuer URLs of the authorization servers clients should log in at. */
  authorizationServers: string[];
  /** Scopes a client may request for this resource. */
  scopesSupported?: string[];
  /** How the token may be presented (default `["header"]`, the only method MCP allows). */
  bearerMethodsSupported?: string[];
  /** Human-readable name of the resource. */
  resourceName?: string;
  /** Link to documentation of the resource. */
  resourceDocumentation?: string;
}

/** The RFC 9728 metadata document. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
  resource_documentation?: string;
}

/**
 * Builds the RFC 9728 document for a resource.
 *
 * @param options - resource, authorization servers, scopes
 */
export function buildProtectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  return {
    resource: options.resource,
    authorization_servers: options.authorizationServers,
    ...(options.scopesSupported ? { scopes_supported: options.scopesSupported } : {}),
    bearer_methods_supported: options.bearerMethodsSupported ?? ['header'],
    ...(options.resourceName ? { resource_name: options.resourceName } : {}),
    ...(options.resourceDocumentation ? { resource_documentation: options.resourceDocumentation } : {}),
  };
}

function metadataPaths(options: ProtectedResourceMetadataOptions, caller: string): Set<string> {
  if (!URL.canParse(options.resource)) throw new TypeError(`${caller}: resource must be an absolute URL`);
  if (options.authorizationServers.length === 0) throw new TypeError(`${caller}: give at least one authorization server`);
  const resourcePath = new URL(options.resource).pathname.replace(/\/$/, '');
  return new Set([protectedResourceMetadataPath, `${protectedResourceMetadataPath}${resourcePath}`]);
}

const corsHeaders = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, OPTIONS' };

/**
 * Web-standard counterpart of {@link protectedResourceMetadata}: answers the metadata paths
 * and resolves to `undefined` for every other request, so it composes with any fetch-style router.
 *
 * @param options - resource, authorization servers, scopes
 * @throws TypeError when `resource` is not an absolute URL or no authorization server is given
 */
export function protectedResourceMetadataFetch(options: ProtectedResourceMetadataOptions): (request: Request) => Response | undefined {
  const paths = metadataPaths(options, 'protectedResourceMetadataFetch');
  const body = JSON.stringify(buildProtectedResourceMetadata(options));
  return (request) => {
    if (!paths.has(new URL(request.url).pathname)) return undefined;
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET, HEAD, OPTIONS' } });
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=3600' },
    });
  };
}

/**
 * Express handler (mount with `app.use`) answering `GET /.well-known/oauth-protected-resource`
 * and the path-aware form `GET /.well-known/oauth-protected-resource/<resource path>` with the
 * metadata; other requests pass through. CORS is open so browser-based MCP clients can read it.
 *
 * @param options - resource, authorization servers, scopes
 * @throws TypeError when `resource` is not an absolute URL or no authorization server is given
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): RequestHandler {
  const paths = metadataPaths(options, 'protectedResourceMetadata');
  const body = JSON.stringify(buildProtectedResourceMetadata(options));
  return (req, res, next) => {
    if (!paths.has(req.path)) return next();
    if (req.method === 'OPTIONS') {
      res.set(corsHeaders).status(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('allow', 'GET, HEAD, OPTIONS').status(405).end();
      return;
    }
    res.set({ 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=3600' }).status(200).send(body);
  };
}

// Where RFC 9728 puts a resource's metadata: the well-known prefix inserted before the resource's path.

/** The RFC 9728 well-known path prefix. */
export const protectedResourceMetadataPath = '/.well-known/oauth-protected-resource';

/**
 * URL of the protected resource metadata of `resource` (RFC 9728 §3.1): for
 * `https://mcp.example.com/mcp` it is `https://mcp.example.com/.well-known/oauth-protected-resource/mcp`.
 *
 * @param resource - the MCP server's canonical resource URI
 */
export function protectedResourceMetadataUrl(resource: string | URL): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${protectedResourceMetadataPath}${path}${url.search}`;
}

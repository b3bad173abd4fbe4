// The authenticated caller as MCP SDK v1 and v2 both describe it, declared here so that neither is needed to use the SDK.

/**
 * What handlers receive as `extra.authInfo` (v1) or the request's auth info (v2). Structurally
 * the `AuthInfo` of `@modelcontextprotocol/sdk` and of `@modelcontextprotocol/server`.
 */
export interface AuthInfo {
  /** The bearer token. */
  token: string;
  /** The OAuth client the token was issued to ('' when unknown). */
  clientId: string;
  /** Granted scopes. */
  scopes: string[];
  /** Expiry, in seconds since the epoch. */
  expiresAt?: number;
  /** This MCP server's canonical resource URI. */
  resource?: URL;
  /** Everything else known about the subject. */
  extra?: Record<string, unknown>;
}

// An OAuthTokenVerifier for the MCP SDK's requireBearerAuth, backed by the service's introspection.
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AuthzClient } from '../client/create-authz-client.js';
import { introspectionToAuthInfo } from './to-auth-info.js';

/** Options of {@link createIntrospectionVerifier}. */
export interface IntrospectionVerifierOptions {
  /** Client of the mcp-authz service. */
  client: AuthzClient;
  /**
   * This MCP server's id in the registry: the service then accepts only tokens meant for it
   * (recommended; without it a caller registered for several servers gets `active` for tokens of any of them).
   */
  server?: string;
  /**
   * Audiences to check locally as well (e.g. the resource URI). Empty or absent: no local check.
   * When one matches and is a URL it becomes `AuthInfo.resource`.
   */
  audiences?: string[];
}

/**
 * Creates an `OAuthTokenVerifier` that introspects tokens at the service. Inactive tokens and
 * tokens for another audience raise the MCP SDK's `InvalidTokenError` (HTTP 401 in
 * `requireBearerAuth`); service failures propagate as {@link AuthzError} (HTTP 500: fail closed).
 *
 * @param options - the client and the accepted audiences
 */
export function createIntrospectionVerifier(options: IntrospectionVerifierOptions): OAuthTokenVerifier {
  const accepted = new Set(options.audiences ?? []);
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const answer = await options.client.introspect(token, { server: options.server });
      if (!answer.active) throw new InvalidTokenError('Token is not active');
      const info = introspectionToAuthInfo(token, answer);
      if (accepted.size > 0) {
        const audiences = (info.extra?.aud as string[] | undefined) ?? [];
        const matched = audiences.find((aud) => accepted.has(aud));
        if (matched === undefined) throw new InvalidTokenError('Token was not issued for this resource');
        if (URL.canParse(matched)) info.resource = new URL(matched);
      }
      return info;
    },
  };
}

// A token verifier for the MCP SDKs' requireBearerAuth, backed by the service's introspection.
import type { AuthzClient } from '../client/create-authz-client.js';
import type { AuthInfo } from './auth-info.js';
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
  /**
   * Builds the error thrown for a token that is not valid, which `requireBearerAuth` turns into a 401.
   * Default: MCP SDK v1's `InvalidTokenError`. With v2 pass
   * `(message) => new OAuthError(OAuthErrorCode.InvalidToken, message)` from `@modelcontextprotocol/server`.
   */
  invalidTokenError?: (message: string) => Error;
}

/** The verifier shape of both MCP SDKs' `requireBearerAuth` (`OAuthTokenVerifier`). */
export interface TokenVerifier {
  verifyAccessToken(token: string): Promise<AuthInfo>;
}

// v1 is loaded only when this default is used, so the SDK also works where only v2 is installed.
async function v1InvalidTokenError(message: string): Promise<Error> {
  const { InvalidTokenError } = await import('@modelcontextprotocol/sdk/server/auth/errors.js');
  return new InvalidTokenError(message);
}

/**
 * Creates a verifier that introspects tokens at the service. Inactive tokens and tokens for
 * another audience raise the invalid-token error (HTTP 401 in `requireBearerAuth`); service
 * failures propagate as {@link AuthzError} (HTTP 500: fail closed).
 *
 * @param options - the client, the server id and the accepted audiences
 */
export function createIntrospectionVerifier(options: IntrospectionVerifierOptions): TokenVerifier {
  const accepted = new Set(options.audiences ?? []);
  const invalid = async (message: string): Promise<Error> => (options.invalidTokenError ? options.invalidTokenError(message) : v1InvalidTokenError(message));
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const answer = await options.client.introspect(token, options.server === undefined ? {} : { server: options.server });
      if (!answer.active) throw await invalid('Token is not active');
      const info = introspectionToAuthInfo(token, answer);
      if (accepted.size > 0) {
        const audiences = (info.extra?.aud as string[] | undefined) ?? [];
        const matched = audiences.find((aud) => accepted.has(aud));
        if (matched === undefined) throw await invalid('Token was not issued for this resource');
        if (URL.canParse(matched)) info.resource = new URL(matched);
      }
      return info;
    },
  };
}

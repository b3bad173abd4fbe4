// Client policy of the built-in authorization server: which redirect URIs and grant types a client
// may register, and which client ID metadata documents may be fetched.
import { isIP } from 'node:net';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a redirect URI is refused, or undefined when it is allowed (https, or http on loopback). */
export function redirectUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (url === null) return `"${uri}" is not a URL`;
  if (url.hash !== '' || uri.includes('#')) return `"${uri}" must not have a fragment`;
  if (url.username !== '' || url.password !== '') return `"${uri}" must not carry credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return `"${uri}" must use https, or http on a loopback address (127.0.0.1, [::1], localhost)`;
}

/** Grant types a client may register for itself; client credentials are for configured clients only. */
export const SELF_REGISTERED_GRANT_TYPES = new Set(['authorization_code', 'refresh_token']);

/** Why dynamically registered metadata is refused (RFC 7591 error code and description), if it is. */
export function registrationProblem(metadata: { redirect_uris?: unknown; grant_types?: unknown }): { error: 'invalid_redirect_uri' | 'invalid_client_metadata'; description: string } | undefined {
  const uris = metadata.redirect_uris;
  if (Array.isArray(uris)) {
    for (const uri of uris) {
      const problem = typeof uri === 'string' ? redirectUriProblem(uri) : 'redirect_uris must be strings';
      if (problem !== undefined) return { error: 'invalid_redirect_uri', description: problem };
    }
  }
  const grants = metadata.grant_types;
  if (Array.isArray(grants)) {
    const refused = grants.filter((g) => !SELF_REGISTERED_GRANT_TYPES.has(g as string));
    if (refused.length > 0) return { error: 'invalid_client_metadata', description: `grant_types ${refused.join(', ')} cannot be registered dynamically` };
  }
  return undefined;
}

/**
 * Whether a client ID metadata document URL may be fetched: https only, a DNS name (oidc-provider
 * additionally refuses connections to private, loopback and other special-use addresses).
 */
export function metadataDocumentAllowed(clientId: string): boolean {
  const url = URL.parse(clientId);
  if (url === null || url.protocol !== 'https:' || url.port !== '') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 && host !== 'localhost' && !host.endsWith('.localhost') && host.includes('.');
}

// Authorization server metadata discovery: OIDC (`/.well-known/openid-configuration`) or RFC 8414
// (`/.well-known/oauth-authorization-server`), checking that the document names the same issuer.
import { fetchJson, FetchJsonError, type FetchLike } from './fetch-json.js';

export interface IssuerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  [key: string]: unknown;
}

/** Where an issuer's metadata may live, in the order they are tried. */
export function discoveryUrls(issuer: string, explicit?: string): string[] {
  if (explicit !== undefined) return [explicit];
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return [
    `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/** Fetches the first metadata document that answers and names `issuer` exactly. */
export async function discoverIssuer(issuer: string, options: { explicitUrl?: string; timeoutMs: number; fetch?: FetchLike }): Promise<IssuerMetadata> {
  const failures: string[] = [];
  for (const url of discoveryUrls(issuer, options.explicitUrl)) {
    try {
      const doc = await fetchJson(url, { timeoutMs: options.timeoutMs }, options.fetch);
      if (doc.issuer !== issuer) {
        failures.push(`${url} names issuer ${JSON.stringify(doc.issuer)}${trailingSlashHint(doc.issuer, issuer)}`);
        continue;
      }
      return doc as IssuerMetadata;
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  throw new FetchJsonError(`discovery failed for ${issuer}: ${failures.join('; ')}`);
}

/** Issuers are compared exactly (RFC 8414 §3.3); a difference of one trailing slash is worth saying. */
export function trailingSlashHint(found: unknown, configured: string): string {
  if (typeof found !== 'string' || found.replace(/\/$/, '') !== configured.replace(/\/$/, '')) return '';
  return ` (it differs from the configured "${configured}" only by a trailing slash: configure the issuer exactly as the server names it)`;
}

// "The external IdP": a second, independent oidc-provider instance on 127.0.0.1:0 that mints RFC 9068
// JWT access tokens for any resource by client credentials.
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { listen } from './harness.js';

export interface ExternalIdp {
  issuer: string;
  /** A client-credentials access token for `resource`. */
  token(resource: string, scope?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startExternalIdp(): Promise<ExternalIdp> {
  const listener = await listen();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const secret = randomBytes(24).toString('base64url');
  const provider = new Provider(listener.url, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' }] },
    clients: [{ client_id: 'agent', client_secret: secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256' }],
    scopes: ['mcp:read', 'mcp:write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: async (_ctx, resource) => ({ scope: 'mcp:read mcp:write', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'ES256' } } }),
      },
    },
  });
  listener.setHandler(provider.callback());
  return {
    issuer: listener.url,
    async token(resource, scope = 'mcp:read') {
      const res = await fetch(`${listener.url}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`agent:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }).toString(),
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (body.access_token === undefined) throw new Error(`external IdP refused: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    close: () => listener.close(),
  };
}

// Builds the oidc-provider instance: OAuth 2.1 only (code + PKCE S256, client credentials, refresh
// rotation), RFC 8707 resources as the JWT access token's `aud` (RFC 9068), scopes limited to what
// the client and the user may have (scopes.ts), dynamic registration
// under the client policy, the store adapter, the current signing key, and our interaction pages.
import Provider, { errors, type Adapter, type Client, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { OAuthConfig } from '../config/oauth.js';
import type { AuditLog } from './audit.js';
import type { GrantTokens } from './grant-tokens.js';
import { INTERACTION_PATH } from './interactions.js';
import type { KeyRing } from './keys.js';
import { messagePage } from './pages.js';
import { metadataDocumentAllowed, registrationProblem } from './policy.js';
import { grantableScopes } from './scopes.js';
import type { UserStore } from './users.js';
import type { FetchLike } from '../tokens/fetch-json.js';

export const OAUTH_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  registration: '/oauth2/register',
  revocation: '/oauth2/revoke',
  jwks: '/oauth2/jwks',
} as const;

export interface ProviderOptions {
  issuer: string;
  oauth: OAuthConfig;
  /** The resource URIs (and extra audiences) of the registered servers: the only valid `resource`s. */
  resources: () => ReadonlySet<string>;
  keys: KeyRing;
  adapter: new (name: string) => Adapter;
  users: UserStore;
  grantTokens: GrantTokens;
  audit: AuditLog;
  trustProxy: boolean;
  /** How oidc-provider fetches client ID metadata documents; default its own (global fetch). */
  fetch?: FetchLike;
}

// A property no client sends: its validator sees every client's metadata before defaults apply,
// which is where the client policy runs (so refusals carry the RFC 7591 error codes). It binds
// every client but the configured ones: dynamically registered and metadata-document clients.
const POLICY_PROPERTY = 'mcp_authz_policy';

function policyValidator(configured: ReadonlySet<string>) {
  return (_ctx: unknown, key: string, _value: unknown, metadata: Record<string, unknown>): void => {
    if (key !== POLICY_PROPERTY || configured.has(metadata.client_id as string)) return;
    const problem = registrationProblem(metadata);
    if (problem === undefined) return;
    throw problem.error === 'invalid_redirect_uri'
      ? new errors.InvalidRedirectUri(problem.description)
      : new errors.InvalidClientMetadata(problem.description);
  };
}

export function createProvider(options: ProviderOptions): Provider {
  const { oauth, issuer } = options;
  const alg = oauth.signing_alg;
  // The account is the grant's (token endpoint) or, at the authorization endpoint, the signed-in
  // session's; before sign-in only the client limit applies, and consent comes after sign-in.
  const scopesFor = async (ctx: KoaContextWithOIDC, client: Client): Promise<string[]> => {
    const accountId = ctx.oidc.account?.accountId ?? ctx.oidc.session?.accountId;
    const user = accountId === undefined ? undefined : (await options.users.findBySub(accountId)) ?? null;
    return grantableScopes(oauth, { clientScope: client.scope, user });
  };

  const configuration: Configuration = {
    ...(options.fetch !== undefined ? { fetch: options.fetch as Configuration['fetch'] } : {}),
    adapter: options.adapter,
    jwks: { keys: [options.keys.signing] },
    cookies: { keys: options.keys.cookieSecrets, long: { signed: true, httpOnly: true, sameSite: 'lax' }, short: { signed: true, httpOnly: true, sameSite: 'lax' } },
    routes: OAUTH_ROUTES,
    responseTypes: ['code'],
    pkce: { required: () => true },
    // Resource scopes are listed too, so clients may register (and be limited to) them.
    scopes: ['openid', 'offline_access', ...oauth.scopes],
    clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], id_token_signed_response_alg: alg, response_types: ['code'], token_endpoint_auth_method: 'none' },
    clients: oauth.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      grant_types: c.grant_types,
      redirect_uris: c.redirect_uris,
      response_types: c.grant_types.includes('authorization_code') ? ['code'] : [],
      token_endpoint_auth_method: 'client_secret_basic',
      ...(c.scope !== undefined ? { scope: c.scope } : {}),
    })),
    extraClientMetadata: { properties: [POLICY_PROPERTY], validator: policyValidator(new Set(oauth.clients.map((c) => c.client_id))) as never },
    // Browsers may call the token endpoint only from the origin of one of the client's redirect URIs.
    clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: oauth.ttl.access_token_seconds,
      ClientCredentials: oauth.ttl.access_token_seconds,
      AuthorizationCode: oauth.ttl.authorization_code_seconds,
      RefreshToken: oauth.ttl.refresh_token_seconds,
      Grant: oauth.ttl.refresh_token_seconds,
      IdToken: oauth.ttl.access_token_seconds,
      Interaction: oauth.ttl.interaction_seconds,
      Session: oauth.ttl.session_seconds,
    },
    features: {
      devInteractions: { enabled: false },
      // Off: the service validates bearer tokens only, so sender-constrained tokens would lose their binding.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      // RFC 7009 §2.1: a client may revoke only tokens issued to it.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      registration: { enabled: oauth.registration.enabled, initialAccessToken: false },
      clientIdMetadataDocument: {
        enabled: oauth.client_id_metadata_documents.enabled,
        ack: 'draft-02',
        allowFetch: async (_ctx: unknown, clientId: string) => metadataDocumentAllowed(clientId),
      } as never,
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => {
          if (oneOf !== undefined) return oneOf;
          if (oauth.default_resource !== undefined) return oauth.default_resource;
          const all = [...options.resources()];
          return all.length === 1 ? all[0]! : undefined;
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource, client) => {
          if (!options.resources().has(resource)) throw new errors.InvalidTarget(`${resource} is not a registered server`);
          return {
            scope: (await scopesFor(ctx, client)).join(' '),
            audience: resource,
            accessTokenTTL: oauth.ttl.access_token_seconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg, kid: options.keys.signing.kid } },
          };
        },
      },
    },
    formats: {
      customizers: {
        // Awaited before the token is signed, so its jti is known before anyone can use it.
        jwt: async (_ctx, token, parts) => {
          const grantId = (token as { grantId?: string }).grantId;
          const { jti, exp } = parts.payload as { jti?: string; exp?: number };
          if (grantId !== undefined && jti !== undefined && exp !== undefined) await options.grantTokens.record(grantId, jti, exp);
        },
      },
    },
    extraTokenClaims: async (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      if (accountId === undefined) return undefined;
      const user = await options.users.findBySub(accountId);
      return user?.claims;
    },
    findAccount: async (_ctx, sub) => {
      const user = await options.users.findBySub(sub);
      return user === undefined ? undefined : { accountId: sub, claims: () => ({ sub }) };
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    renderError: (ctx, out) => {
      const page = messagePage('Request refused', `${String(out.error)}${out.error_description === undefined ? '' : `: ${String(out.error_description)}`}`);
      ctx.type = 'html';
      ctx.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${page.title}</title></head><body><main>${page.body}</main></body></html>`;
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = options.trustProxy;
  provider.on('registration_create.success', (ctx: KoaContextWithOIDC, client: Client) => {
    options.audit('client.registered', { client_id: client.clientId, redirect_uris: client.redirectUris, client_ip: ctx.ip });
  });
  return provider;
}

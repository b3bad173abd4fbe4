// The `oauth` section of the configuration (the built-in authorization server), and the issuers it
// and the servers' `authorization_servers` add to the registry: validation is discovery-only for both.
import { DEFAULTS } from './defaults.js';
import type { SchemaIssue } from '../schema/create-ajv.js';
import type { AuthzConfig, IssuerConfig } from './types.js';

const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonEmptyString = { type: 'string', minLength: 1 } as const;

function section(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, default: {}, properties };
}

function window(defaults: { max: number; window_seconds: number }): Record<string, unknown> {
  return section({
    max: { ...positiveInt, default: defaults.max },
    window_seconds: { ...positiveInt, default: defaults.window_seconds },
  });
}

const o = DEFAULTS.oauth;
// RFC 6749 §3.3 scope-token.
const scopeToken = { type: 'string', pattern: '^[!#-\\[\\]-~]+$' } as const;

const staticClientSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['client_id', 'client_secret'],
  properties: {
    client_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
    // oidc-provider compares the secret itself (constant time); a short one is refused.
    client_secret: { type: 'string', minLength: 32 },
    grant_types: {
      type: 'array', minItems: 1, uniqueItems: true,
      items: { enum: ['client_credentials', 'authorization_code', 'refresh_token'] },
      default: ['client_credentials'],
    },
    redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' }, default: [] },
    scope: nonEmptyString,
  },
} as const;

/** The JSON Schema of `oauth` (referenced from schema.ts). */
export const oauthSchema = section({
  enabled: { type: 'boolean', default: o.enabled },
  issuer: { type: 'string', format: 'uri', pattern: '^https?://[^/?#]+(/[^?#]*[^/?#])?$' },
  signing_alg: { enum: ['RS256', 'PS256', 'ES256'], default: o.signing_alg },
  scopes: { type: 'array', minItems: 1, uniqueItems: true, items: scopeToken, default: o.scopes },
  default_user_scopes: { type: 'array', uniqueItems: true, items: scopeToken, default: o.default_user_scopes },
  default_resource: nonEmptyString,
  ttl: section({
    access_token_seconds: { ...positiveInt, default: o.ttl.access_token_seconds },
    refresh_token_seconds: { ...positiveInt, default: o.ttl.refresh_token_seconds },
    authorization_code_seconds: { ...positiveInt, maximum: 600, default: o.ttl.authorization_code_seconds },
    interaction_seconds: { ...positiveInt, default: o.ttl.interaction_seconds },
    session_seconds: { ...positiveInt, default: o.ttl.session_seconds },
  }),
  keys: section({
    rotation_seconds: { type: 'integer', minimum: 60, default: o.keys.rotation_seconds },
  }),
  users: section({
    source: { enum: ['file', 'redis'], default: o.users.source },
    file: { ...nonEmptyString, default: o.users.file },
  }),
  registration: section({
    enabled: { type: 'boolean', default: o.registration.enabled },
    client_ttl_seconds: { ...positiveInt, default: o.registration.client_ttl_seconds },
  }),
  client_id_metadata_documents: section({
    enabled: { type: 'boolean', default: o.client_id_metadata_documents.enabled },
  }),
  clients: { type: 'array', default: [], items: staticClientSchema },
  rate_limits: section({
    login: window(o.rate_limits.login),
    token: window(o.rate_limits.token),
    registration: window(o.rate_limits.registration),
  }),
  login_backoff: section({
    base_seconds: { ...positiveInt, default: o.login_backoff.base_seconds },
    max_seconds: { ...positiveInt, default: o.login_backoff.max_seconds },
    window_seconds: { ...positiveInt, default: o.login_backoff.window_seconds },
  }),
});

export interface RateWindow {
  max: number;
  window_seconds: number;
}

export interface OAuthStaticClient {
  client_id: string;
  client_secret: string;
  grant_types: ('client_credentials' | 'authorization_code' | 'refresh_token')[];
  redirect_uris: string[];
  scope?: string;
}

export interface OAuthConfig {
  enabled: boolean;
  /** Public URL of the built-in authorization server; default `http://<http.host>:<http.port>`. */
  issuer?: string;
  signing_alg: 'RS256' | 'PS256' | 'ES256';
  /** What the server offers: a token's scopes are always among these. */
  scopes: string[];
  /** The scopes of a user whose account names none. */
  default_user_scopes: string[];
  default_resource?: string;
  ttl: {
    access_token_seconds: number;
    refresh_token_seconds: number;
    authorization_code_seconds: number;
    interaction_seconds: number;
    session_seconds: number;
  };
  keys: { rotation_seconds: number };
  users: { source: 'file' | 'redis'; file: string };
  registration: { enabled: boolean; client_ttl_seconds: number };
  client_id_metadata_documents: { enabled: boolean };
  clients: OAuthStaticClient[];
  rate_limits: { login: RateWindow; token: RateWindow; registration: RateWindow };
  login_backoff: { base_seconds: number; max_seconds: number; window_seconds: number };
}

/** The issuer identifier of the built-in authorization server. */
export function builtInIssuer(config: Pick<AuthzConfig, 'oauth' | 'http'>): string {
  if (config.oauth.issuer !== undefined) return config.oauth.issuer;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return `http://${host}:${config.http.port}`;
}

function discoveryIssuer(issuer: string, extra: Partial<IssuerConfig> = {}): IssuerConfig {
  return {
    issuer,
    algorithms: [...DEFAULTS.issuer.algorithms],
    clock_tolerance: DEFAULTS.issuer.clock_tolerance,
    accept_high_s_signatures: DEFAULTS.issuer.accept_high_s_signatures,
    max_token_lifetime: DEFAULTS.issuer.max_token_lifetime,
    scope_claims: [...DEFAULTS.issuer.scope_claims],
    client_id_claims: [...DEFAULTS.issuer.client_id_claims],
    ...extra,
  };
}

/**
 * Adds the implied issuers: each server's `authorization_servers` (trusted by that server, keys
 * from discovery) and, when enabled, the built-in authorization server (RFC 9068 `at+jwt` only).
 * An issuer already configured explicitly is left as written.
 */
export function withImpliedIssuers(config: AuthzConfig): AuthzConfig {
  const issuers = [...config.issuers];
  const known = new Set(issuers.map((i) => i.issuer));
  const add = (entry: IssuerConfig): void => {
    if (known.has(entry.issuer)) return;
    known.add(entry.issuer);
    issuers.push(entry);
  };
  if (config.oauth.enabled) {
    // oidc-provider signs ES256 through node:crypto, which leaves S as it comes (high half the time).
    add(discoveryIssuer(builtInIssuer(config), {
      algorithms: [config.oauth.signing_alg],
      required_typ: 'at+jwt',
      accept_high_s_signatures: config.oauth.signing_alg === 'ES256',
      max_token_lifetime: config.oauth.ttl.access_token_seconds,
    }));
  }
  const servers = config.servers.map((server) => {
    const listed = server.authorization_servers ?? [];
    for (const as of listed) add(discoveryIssuer(as));
    if (server.issuers === undefined) return server;
    const missing = listed.filter((as) => !server.issuers!.includes(as));
    return missing.length === 0 ? server : { ...server, issuers: [...server.issuers, ...missing] };
  });
  return { ...config, issuers, servers };
}

/** Problems of the `oauth` section that the schema cannot express. */
export function checkOAuth(config: AuthzConfig): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (config.oauth.enabled && config.oauth.issuer === undefined && config.http.port === 0) {
    issues.push({ path: 'oauth.issuer', message: 'is required when http.port is 0 (the issuer URL must be known before listening)' });
  }
  const offered = new Set(config.oauth.scopes);
  config.oauth.default_user_scopes.forEach((scope, i) => {
    if (!offered.has(scope)) issues.push({ path: `oauth.default_user_scopes[${i}]`, message: `"${scope}" is not one of oauth.scopes` });
  });
  // The OIDC scopes are always known to the provider; any other scope a client is limited to must be offered.
  const clientScopes = new Set(['openid', 'offline_access', ...offered]);
  config.oauth.clients.forEach((c, i) => {
    for (const scope of c.scope?.split(' ') ?? []) {
      if (!clientScopes.has(scope)) issues.push({ path: `oauth.clients[${i}].scope`, message: `"${scope}" is not one of oauth.scopes` });
    }
  });
  const ids = new Set<string>();
  config.oauth.clients.forEach((c, i) => {
    if (ids.has(c.client_id)) issues.push({ path: `oauth.clients[${i}].client_id`, message: `duplicates "${c.client_id}"` });
    ids.add(c.client_id);
  });
  return issues;
}

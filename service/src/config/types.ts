// The validated configuration, as the rest of the service sees it (defaults already applied).

export type Algorithm =
  | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519';

export interface HttpConfig {
  host: string;
  port: number;
  /** express `trust proxy`: false, true, a hop count, or addresses/subnets. */
  trust_proxy: boolean | number | string;
  body_limit_bytes: number;
  shutdown_timeout_ms: number;
  auth_throttle: { max_failures: number; window_seconds: number };
}

export interface PemKeyConfig {
  pem: string;
  alg: Algorithm;
  kid?: string;
}

export interface IssuerIntrospectionConfig {
  /** Defaults to `introspection_endpoint` from the issuer's discovery metadata. */
  endpoint?: string;
  client_id: string;
  client_secret: string;
  auth_method: 'client_secret_basic' | 'client_secret_post';
}

export interface IssuerConfig {
  issuer: string;
  jwks_uri?: string;
  /** Metadata URL; when no key source is set, derived from `issuer` (OIDC, then RFC 8414). */
  discovery_url?: string;
  jwks?: { keys: Record<string, unknown>[] };
  pem_keys?: PemKeyConfig[];
  algorithms: Algorithm[];
  /** Seconds of leeway for exp/nbf/iat. */
  clock_tolerance: number;
  required_typ?: string;
  scope_claims: string[];
  client_id_claims: string[];
  introspection?: IssuerIntrospectionConfig;
}

export interface ServerConfig {
  id: string;
  resource: string;
  audiences: string[];
  /** Issuer identifiers this server trusts; absent means every configured issuer. */
  issuers?: string[];
  authorization_servers?: string[];
  opaque_token_issuer?: string;
}

export type CallerRole = 'resource_server' | 'admin';

export interface CallerConfig {
  id: string;
  role: CallerRole;
  /** `sha256:<hex>`; two during a rotation. */
  secret_hashes: string[];
  /** Server ids this caller may ask about; absent for an admin means all. */
  servers?: string[];
}

export interface AuthzConfig {
  http: HttpConfig;
  metrics: { access: 'public' | 'caller' | 'admin' };
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  redis: { url?: string; key_prefix: string };
  policies: { dir: string };
  tokens: {
    max_token_bytes: number;
    jwks: {
      cache_max_age_seconds: number;
      cooldown_seconds: number;
      max_staleness_seconds: number;
      timeout_ms: number;
    };
    introspection: { timeout_ms: number };
  };
  cache: { token_max_ttl_seconds: number; token_max_entries: number };
  issuers: IssuerConfig[];
  servers: ServerConfig[];
  callers: CallerConfig[];
  /** Owned by the decision-log work; empty until that lands. */
  decision_logs: Record<string, unknown>;
  /** Owned by the built-in authorization server work; empty until that lands. */
  oauth: Record<string, unknown>;
}

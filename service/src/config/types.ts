// The validated configuration, as the rest of the service sees it (defaults already applied).
import type { OAuthConfig } from './oauth.js';

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
  /** Failed caller authentications per (address, caller id), and per caller id, in a window. */
  auth_throttle: { max_failures: number; max_failures_per_caller: number; window_seconds: number };
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
  /**
   * Accepts ECDSA signatures in their high-S spelling (IdPs on Java or node:crypto make them about
   * half the time); revocations are then keyed on the low-S spelling, so both spellings hit them.
   */
  accept_high_s_signatures: boolean;
  /** The longest a token of this issuer may live, seconds: a later `exp` is refused. */
  max_token_lifetime: number;
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
  /**
   * Gives up audience isolation: this server may accept an audience another server accepts too
   * (both must say so), so a token for one is accepted by the other.
   */
  shared_audience: boolean;
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

export interface RedisNodeConfig {
  host: string;
  port: number;
}

export interface RedisConfig {
  url?: string;
  sentinels?: RedisNodeConfig[];
  name?: string;
  cluster?: RedisNodeConfig[];
  username?: string;
  password?: string;
  sentinel_username?: string;
  sentinel_password?: string;
  tls?: { enabled: boolean; ca_file?: string; cert_file?: string; key_file?: string; servername?: string; reject_unauthorized: boolean };
  key_prefix: string;
  /** Replicas that must hold a queued decision log batch before it counts as queued (WAIT); schema default 0. */
  wait_for_replicas?: number;
  wait_timeout_ms?: number;
}

export interface AuthzConfig {
  http: HttpConfig;
  metrics: { access: 'public' | 'caller' | 'admin' };
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  redis: RedisConfig;
  policies: PoliciesConfig;
  decisions: DecisionsConfig;
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
  cache: {
    token_max_ttl_seconds: number;
    token_max_entries: number;
    /** Upper bound on a cached decision's lifetime; 0 disables the decision cache. */
    decision_max_ttl_seconds: number;
    /** Entries of the in-process LRU in front of the shared decision cache. */
    decision_lru_entries: number;
  };
  issuers: IssuerConfig[];
  servers: ServerConfig[];
  callers: CallerConfig[];
  decision_logs: DecisionLogsConfig;
  /** The built-in authorization server (off by default). */
  oauth: OAuthConfig;
}

export interface PoliciesConfig {
  dir: string;
  /** Reload on changes in `dir`. */
  watch: boolean;
  /** Seconds between content checks of `dir` (they back up file system events, which can be missed). */
  check_interval_seconds: number;
  /** Optional git repository pulled into `dir` on a schedule (BullMQ job scheduler with Redis). */
  git_url?: string;
  git_branch: string;
  git_pull_interval_seconds: number;
  /** An OPA bundle (file or bundle server) as the policy source instead of `dir`. */
  bundle?: PolicyBundleConfig;
}

export interface PolicyBundleConfig {
  file?: string;
  url?: string;
  poll_seconds: number;
  timeout_ms: number;
  signing: {
    required: boolean;
    keys: Array<{ id: string; algorithm: 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'; key: string; scope?: string }>;
  };
}

export interface DecisionsConfig {
  /** Policy rule answering the decision object. */
  entrypoint: string;
  /** Boolean rule used when the entrypoint is undefined; null disables it. */
  fallback_entrypoint: string | null;
  /** The document `POST /` answers (OPA's default decision, `data.system.main` as OPA has it). */
  default_decision: string;
  /** Bytes of `action.arguments` (as JSON) per action; larger requests answer 413. */
  max_argument_bytes: number;
  /** Nesting depth of `action` and `context`; deeper requests answer 400. */
  max_json_depth: number;
  /** Evaluation steps one request may spend over all its actions; beyond it they deny. */
  max_evaluation_steps: number;
  /** Bytes builtins may build for one request (strings, collections); beyond it they deny. */
  max_evaluation_bytes: number;
  /** Milliseconds of evaluation one request may spend; beyond it they deny. */
  evaluation_timeout_ms: number;
}

export type DecisionLogSinkConfig =
  | { type: 'jsonl'; name?: string; path: string; max_bytes: number; max_files: number }
  | { type: 'http'; name?: string; url: string; headers?: Record<string, string>; timeout_ms: number }
  | { type: 'stdout'; name?: string };

export interface DecisionLogsConfig {
  sinks: DecisionLogSinkConfig[];
  /** Extra argument paths masked in logs, e.g. `$.card.number` or `items[*].pan`. */
  mask_paths: string[];
  /** Local file receiving log batches while Redis is down; default under the OS temp dir. */
  spill_path?: string;
  /** Records held in memory at most before new ones are dropped (and counted). */
  buffer_max_records: number;
  /** Serialized bytes held in the in-process buffer at most before new records are dropped. */
  buffer_max_bytes: number;
  /** Per sink: records waiting in its queue (in memory, or in Redis across replicas) before spilling. */
  queue_max_records: number;
  /** Per sink: serialized bytes waiting in its queue before spilling. */
  queue_max_bytes: number;
  /** Per sink: bytes its spill file may hold; past it records are dropped (0: never spill). */
  spill_max_bytes: number;
}

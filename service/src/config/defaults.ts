// Every configuration default, in one place. The schema applies them and the README documents them.

/** Algorithms an issuer accepts when its configuration names none (asymmetric only, never `none`/HMAC). */
export const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** Every algorithm an issuer may allow. HMAC and `none` are absent on purpose. */
export const SUPPORTED_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const;

export const DEFAULTS = {
  http: {
    host: '127.0.0.1',
    port: 8080,
    trust_proxy: false,
    body_limit_bytes: 65_536,
    shutdown_timeout_ms: 10_000,
    auth_throttle: { max_failures: 10, max_failures_per_caller: 100, window_seconds: 60 },
  },
  metrics: { access: 'public' },
  logging: { level: 'info' },
  redis: { key_prefix: 'mcp-authz:', wait_for_replicas: 0, wait_timeout_ms: 1_000 },
  policies: { dir: './policies', watch: true, check_interval_seconds: 5, git_branch: 'main', git_pull_interval_seconds: 60, bundle_poll_seconds: 60, bundle_timeout_ms: 10_000 },
  decisions: {
    entrypoint: 'data.mcp.authz.decision',
    fallback_entrypoint: 'data.mcp.authz.allow',
    default_decision: 'data.system.main',
    max_argument_bytes: 32_768,
    max_json_depth: 32,
    // Per request (a batch shares them): far above what real policies use, and short enough that
    // one costly request does not hold up the event loop.
    max_evaluation_steps: 1_000_000,
    max_evaluation_bytes: 16 * 1024 * 1024,
    evaluation_timeout_ms: 200,
  },
  decision_logs: {
    jsonl_max_bytes: 10 * 1024 * 1024,
    jsonl_max_files: 5,
    http_timeout_ms: 10_000,
    buffer_max_records: 100_000,
    buffer_max_bytes: 64 * 1024 * 1024,
    queue_max_records: 100_000,
    queue_max_bytes: 64 * 1024 * 1024,
    spill_max_bytes: 256 * 1024 * 1024,
  },
  tokens: {
    max_token_bytes: 16_384,
    jwks: {
      cache_max_age_seconds: 600,
      cooldown_seconds: 30,
      max_staleness_seconds: 86_400,
      timeout_ms: 5_000,
    },
    introspection: { timeout_ms: 5_000 },
  },
  cache: { token_max_ttl_seconds: 300, token_max_entries: 10_000, decision_max_ttl_seconds: 300, decision_lru_entries: 10_000 },
  issuer: {
    algorithms: [...DEFAULT_ALGORITHMS],
    clock_tolerance: 30,
    accept_high_s_signatures: false,
    max_token_lifetime: 86_400,
    scope_claims: ['scope', 'scp'],
    client_id_claims: ['client_id', 'azp'],
    introspection_auth_method: 'client_secret_basic',
  },
  server: { shared_audience: false },
  caller: { role: 'resource_server' },
  oauth: {
    enabled: false,
    signing_alg: 'RS256',
    scopes: ['mcp:read', 'mcp:write', 'mcp:admin'],
    // Least privilege: an account is given its scopes explicitly (`users add --scopes`).
    default_user_scopes: [],
    ttl: {
      access_token_seconds: 600,
      refresh_token_seconds: 1_209_600,
      authorization_code_seconds: 60,
      interaction_seconds: 600,
      session_seconds: 86_400,
    },
    keys: { rotation_seconds: 2_592_000 },
    users: { source: 'file', file: './users.yaml' },
    registration: { enabled: true, client_ttl_seconds: 2_592_000 },
    client_id_metadata_documents: { enabled: false },
    rate_limits: {
      login: { max: 30, window_seconds: 60 },
      token: { max: 120, window_seconds: 60 },
      registration: { max: 20, window_seconds: 600 },
    },
    login_backoff: { base_seconds: 1, max_seconds: 60, window_seconds: 900 },
  },
} as const;

// JSON Schema (2020-12) of authz.config.yaml. Unknown keys are errors; `default`s come from defaults.ts.
// Later features add their keys to their own section (`decision_logs`, `oauth`, `cache`, `policies`).
import { DEFAULTS, SUPPORTED_ALGORITHMS } from './defaults.js';
import { oauthSchema } from './oauth.js';

const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonNegativeInt = { type: 'integer', minimum: 0 } as const;
const nonEmptyString = { type: 'string', minLength: 1 } as const;
const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://' } as const;
const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } as const;
const stringList = { type: 'array', items: nonEmptyString } as const;
const redisNode = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port'],
  properties: { host: nonEmptyString, port: { type: 'integer', minimum: 1, maximum: 65535 } },
} as const;

function section(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, default: {}, properties };
}

const issuerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer'],
  properties: {
    issuer: nonEmptyString,
    jwks_uri: httpUrl,
    discovery_url: httpUrl,
    jwks: {
      type: 'object',
      additionalProperties: false,
      required: ['keys'],
      properties: { keys: { type: 'array', minItems: 1, items: { type: 'object', required: ['kty'], properties: { kty: nonEmptyString } } } },
    },
    pem_keys: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['pem', 'alg'],
        properties: {
          pem: { type: 'string', pattern: '-----BEGIN ' },
          alg: { enum: [...SUPPORTED_ALGORITHMS] },
          kid: nonEmptyString,
        },
      },
    },
    algorithms: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...SUPPORTED_ALGORITHMS] },
      default: DEFAULTS.issuer.algorithms,
    },
    clock_tolerance: { ...nonNegativeInt, maximum: 3600, default: DEFAULTS.issuer.clock_tolerance },
    required_typ: nonEmptyString,
    accept_high_s_signatures: { type: 'boolean', default: DEFAULTS.issuer.accept_high_s_signatures },
    // One year at most: a jti revocation without `exp` is kept this long.
    max_token_lifetime: { ...positiveInt, maximum: 31_536_000, default: DEFAULTS.issuer.max_token_lifetime },
    scope_claims: { ...stringList, minItems: 1, default: DEFAULTS.issuer.scope_claims },
    client_id_claims: { ...stringList, minItems: 1, default: DEFAULTS.issuer.client_id_claims },
    introspection: {
      type: 'object',
      additionalProperties: false,
      required: ['client_id', 'client_secret'],
      properties: {
        endpoint: httpUrl,
        client_id: nonEmptyString,
        client_secret: nonEmptyString,
        auth_method: {
          enum: ['client_secret_basic', 'client_secret_post'],
          default: DEFAULTS.issuer.introspection_auth_method,
        },
      },
    },
  },
} as const;

const serverSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'resource'],
  properties: {
    id,
    resource: nonEmptyString,
    audiences: { ...stringList, default: [] },
    issuers: { ...stringList, minItems: 1 },
    authorization_servers: { type: 'array', items: httpUrl },
    opaque_token_issuer: nonEmptyString,
    shared_audience: { type: 'boolean', default: DEFAULTS.server.shared_audience },
  },
} as const;

const callerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'secret_hashes'],
  properties: {
    id,
    role: { enum: ['resource_server', 'admin'], default: DEFAULTS.caller.role },
    secret_hashes: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    },
    servers: { type: 'array', minItems: 1, items: id },
  },
} as const;

/** Algorithms of bundle signing keys (asymmetric only), as bundles/signature.ts verifies them. */
export const BUNDLE_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** An OPA bundle as the policy source, from a file or a bundle server. */
const bundleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    file: nonEmptyString,
    url: httpUrl,
    poll_seconds: { ...positiveInt, default: DEFAULTS.policies.bundle_poll_seconds },
    timeout_ms: { ...positiveInt, default: DEFAULTS.policies.bundle_timeout_ms },
    signing: section({
      required: { type: 'boolean', default: false },
      keys: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'algorithm', 'key'],
          properties: {
            id: nonEmptyString,
            algorithm: { enum: [...BUNDLE_KEY_ALGORITHMS] },
            key: { type: 'string', pattern: '-----BEGIN ' },
            scope: nonEmptyString,
          },
        },
      },
    }),
  },
} as const;

const sinkName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' } as const;

/** One decision log destination; `type` picks the shape. */
const sinkSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['jsonl', 'http', 'stdout'] } },
  allOf: [
    {
      if: { properties: { type: { const: 'jsonl' } } },
      then: {
        additionalProperties: false,
        required: ['path'],
        properties: {
          type: true,
          name: sinkName,
          path: nonEmptyString,
          max_bytes: { ...positiveInt, default: DEFAULTS.decision_logs.jsonl_max_bytes },
          max_files: { ...nonNegativeInt, default: DEFAULTS.decision_logs.jsonl_max_files },
        },
      },
    },
    {
      if: { properties: { type: { const: 'http' } } },
      then: {
        additionalProperties: false,
        required: ['url'],
        properties: {
          type: true,
          name: sinkName,
          url: httpUrl,
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          timeout_ms: { ...positiveInt, default: DEFAULTS.decision_logs.http_timeout_ms },
        },
      },
    },
    {
      if: { properties: { type: { const: 'stdout' } } },
      then: { additionalProperties: false, properties: { type: true, name: sinkName } },
    },
  ],
} as const;

/** The schema of the whole configuration file (after environment quick forms are merged in). */
export const configSchema = {
  $id: 'urn:mcp-authz:config',
  type: 'object',
  additionalProperties: false,
  properties: {
    http: section({
      host: { ...nonEmptyString, default: DEFAULTS.http.host },
      port: { type: 'integer', minimum: 0, maximum: 65535, default: DEFAULTS.http.port },
      trust_proxy: {
        anyOf: [{ type: 'boolean' }, nonNegativeInt, nonEmptyString],
        default: DEFAULTS.http.trust_proxy,
      },
      body_limit_bytes: { ...positiveInt, default: DEFAULTS.http.body_limit_bytes },
      shutdown_timeout_ms: { ...nonNegativeInt, default: DEFAULTS.http.shutdown_timeout_ms },
      auth_throttle: section({
        max_failures: { ...positiveInt, default: DEFAULTS.http.auth_throttle.max_failures },
        max_failures_per_caller: { ...positiveInt, default: DEFAULTS.http.auth_throttle.max_failures_per_caller },
        window_seconds: { ...positiveInt, default: DEFAULTS.http.auth_throttle.window_seconds },
      }),
    }),
    metrics: section({
      access: { enum: ['public', 'caller', 'admin'], default: DEFAULTS.metrics.access },
    }),
    logging: section({
      level: {
        enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        default: DEFAULTS.logging.level,
      },
    }),
    redis: section({
      url: { type: 'string', pattern: '^rediss?://' },
      sentinels: { type: 'array', minItems: 1, items: redisNode },
      name: nonEmptyString,
      cluster: { type: 'array', minItems: 1, items: redisNode },
      username: nonEmptyString,
      password: nonEmptyString,
      sentinel_username: nonEmptyString,
      sentinel_password: nonEmptyString,
      // No default: the section's presence is what turns TLS on.
      tls: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean', default: true },
          ca_file: nonEmptyString,
          cert_file: nonEmptyString,
          key_file: nonEmptyString,
          servername: nonEmptyString,
          reject_unauthorized: { type: 'boolean', default: true },
        },
      },
      key_prefix: { type: 'string', default: DEFAULTS.redis.key_prefix },
      wait_for_replicas: { ...nonNegativeInt, maximum: 16, default: DEFAULTS.redis.wait_for_replicas },
      wait_timeout_ms: { ...positiveInt, maximum: 60_000, default: DEFAULTS.redis.wait_timeout_ms },
    }),
    policies: section({
      dir: { ...nonEmptyString, default: DEFAULTS.policies.dir },
      watch: { type: 'boolean', default: DEFAULTS.policies.watch },
      check_interval_seconds: { ...positiveInt, default: DEFAULTS.policies.check_interval_seconds },
      git_url: nonEmptyString,
      git_branch: { ...nonEmptyString, pattern: '^[^-]', default: DEFAULTS.policies.git_branch },
      git_pull_interval_seconds: { ...positiveInt, default: DEFAULTS.policies.git_pull_interval_seconds },
      bundle: bundleSchema,
    }),
    decisions: section({
      entrypoint: { type: 'string', pattern: '^data(\\.[A-Za-z_][A-Za-z0-9_]*)+$', default: DEFAULTS.decisions.entrypoint },
      fallback_entrypoint: {
        anyOf: [{ type: 'null' }, { type: 'string', pattern: '^data(\\.[A-Za-z_][A-Za-z0-9_]*)+$' }],
        default: DEFAULTS.decisions.fallback_entrypoint,
      },
      default_decision: { type: 'string', pattern: '^data(\\.[A-Za-z_][A-Za-z0-9_]*)+$', default: DEFAULTS.decisions.default_decision },
      max_argument_bytes: { ...positiveInt, default: DEFAULTS.decisions.max_argument_bytes },
      max_json_depth: { ...positiveInt, maximum: 1000, default: DEFAULTS.decisions.max_json_depth },
      max_evaluation_steps: { ...positiveInt, default: DEFAULTS.decisions.max_evaluation_steps },
      max_evaluation_bytes: { ...positiveInt, default: DEFAULTS.decisions.max_evaluation_bytes },
      evaluation_timeout_ms: { ...positiveInt, default: DEFAULTS.decisions.evaluation_timeout_ms },
    }),
    tokens: section({
      max_token_bytes: { ...positiveInt, default: DEFAULTS.tokens.max_token_bytes },
      jwks: section({
        cache_max_age_seconds: { ...positiveInt, default: DEFAULTS.tokens.jwks.cache_max_age_seconds },
        cooldown_seconds: { ...nonNegativeInt, default: DEFAULTS.tokens.jwks.cooldown_seconds },
        max_staleness_seconds: { ...nonNegativeInt, default: DEFAULTS.tokens.jwks.max_staleness_seconds },
        timeout_ms: { ...positiveInt, default: DEFAULTS.tokens.jwks.timeout_ms },
      }),
      introspection: section({
        timeout_ms: { ...positiveInt, default: DEFAULTS.tokens.introspection.timeout_ms },
      }),
    }),
    cache: section({
      token_max_ttl_seconds: { ...nonNegativeInt, default: DEFAULTS.cache.token_max_ttl_seconds },
      token_max_entries: { ...positiveInt, default: DEFAULTS.cache.token_max_entries },
      decision_max_ttl_seconds: { ...nonNegativeInt, default: DEFAULTS.cache.decision_max_ttl_seconds },
      decision_lru_entries: { ...positiveInt, default: DEFAULTS.cache.decision_lru_entries },
    }),
    issuers: { type: 'array', default: [], items: issuerSchema },
    servers: { type: 'array', default: [], items: serverSchema },
    callers: { type: 'array', default: [], items: callerSchema },
    decision_logs: section({
      sinks: { type: 'array', default: [], items: sinkSchema },
      mask_paths: { ...stringList, default: [] },
      spill_path: nonEmptyString,
      buffer_max_records: { ...positiveInt, default: DEFAULTS.decision_logs.buffer_max_records },
      buffer_max_bytes: { ...positiveInt, default: DEFAULTS.decision_logs.buffer_max_bytes },
      queue_max_records: { ...positiveInt, default: DEFAULTS.decision_logs.queue_max_records },
      queue_max_bytes: { ...positiveInt, default: DEFAULTS.decision_logs.queue_max_bytes },
      spill_max_bytes: { ...nonNegativeInt, default: DEFAULTS.decision_logs.spill_max_bytes },
    }),
    oauth: oauthSchema,
  },
} as const;

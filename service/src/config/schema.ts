// JSON Schema (2020-12) of authz.config.yaml. Unknown keys are errors; `default`s come from defaults.ts.
// Later features add their keys to their own section (`decision_logs`, `oauth`, `cache`, `policies`).
import { DEFAULTS, SUPPORTED_ALGORITHMS } from './defaults.js';

const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonNegativeInt = { type: 'integer', minimum: 0 } as const;
const nonEmptyString = { type: 'string', minLength: 1 } as const;
const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://' } as const;
const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } as const;
const stringList = { type: 'array', items: nonEmptyString } as const;

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
      key_prefix: { type: 'string', default: DEFAULTS.redis.key_prefix },
    }),
    policies: section({
      dir: { ...nonEmptyString, default: DEFAULTS.policies.dir },
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
    }),
    issuers: { type: 'array', default: [], items: issuerSchema },
    servers: { type: 'array', default: [], items: serverSchema },
    callers: { type: 'array', default: [], items: callerSchema },
    decision_logs: section({}),
    oauth: section({}),
  },
} as const;

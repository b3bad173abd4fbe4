// Public door of the configuration: loading, schema, defaults, registry.
export { loadConfig, resolveConfig, DEFAULT_CONFIG_FILE } from './load.js';
export type { LoadConfigOptions } from './load.js';
export { configSchema } from './schema.js';
export { DEFAULTS, DEFAULT_ALGORITHMS, SUPPORTED_ALGORITHMS } from './defaults.js';
export { ENV_VARIABLES } from './env.js';
export type { EnvVariable } from './env.js';
export { ConfigError } from './errors.js';
export { createRegistry } from './registry.js';
export type { Registry } from './registry.js';
export type {
  Algorithm, AuthzConfig, CallerConfig, CallerRole, HttpConfig, IssuerConfig,
  IssuerIntrospectionConfig, PemKeyConfig, ServerConfig,
} from './types.js';
export { builtInIssuer, withImpliedIssuers } from './oauth.js';
export type { OAuthConfig, OAuthStaticClient, RateWindow } from './oauth.js';

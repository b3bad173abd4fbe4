// Everything the HTTP layer needs, built by the composition root (main.ts) or by tests.
// Features add their services here as fields.
import type { Logger } from 'pino';
import type { CallerFailureThrottle } from '../callers/index.js';
import type { AuthzConfig } from '../config/types.js';
import type { Registry } from '../config/registry.js';
import type { MetricsRegistry } from '../observability/metrics.js';
import type { TokenValidator } from '../tokens/index.js';
import type { DataQueries, DecisionService } from '../decisions/index.js';
import type { PolicyReloader } from '../policy/index.js';
import type { RevocationList } from '../revocation/index.js';
import type { OAuthServer } from '../oauth/index.js';
import type { Contract } from './contract.js';
import type { RouteModule } from './route-types.js';

/** One line of /readyz. Only `critical` checks can make the service unready. */
export interface ReadinessCheck {
  name: string;
  critical: boolean;
  check(): Promise<CheckResult> | CheckResult;
}

export interface CheckResult {
  status: 'ok' | 'degraded' | 'down' | 'disabled' | 'not_ready';
  detail?: string;
  [key: string]: unknown;
}

export interface AppDeps {
  config: AuthzConfig;
  registry: Registry;
  tokens: TokenValidator;
  logger: Logger;
  metrics: MetricsRegistry;
  contract: Contract;
  throttle: CallerFailureThrottle;
  readiness: ReadinessCheck[];
  /** The decision path; its routes are absent without it. */
  decisions?: {
    service: DecisionService;
    revocations: RevocationList;
    policies: PolicyReloader;
    /** OPA Data API reads; its routes are absent without it. */
    data?: DataQueries;
  };
  /** The built-in authorization server, when `oauth.enabled`. */
  oauth?: Pick<OAuthServer, 'handler' | 'issuer'>;
  /** Route modules to mount; defaults to ROUTE_MODULES. */
  routes?: readonly RouteModule[];
}

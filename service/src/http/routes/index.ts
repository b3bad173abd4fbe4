// The route table: one line per route file. A feature registers its routes by adding its module here.
import type { RouteModule } from '../route-types.js';
import { decisionRoutes } from './decisions.js';
import { healthRoutes } from './health.js';
import { introspectRoutes } from './introspect.js';
import { metricsRoutes } from './metrics.js';
import { oauthRoutes } from './oauth.js';
import { openapiRoutes } from './openapi.js';
import { opaDataRoutes } from './opa-data.js';
import { policyRoutes } from './policies.js';
import { revocationRoutes } from './revocations.js';
import { tokenRoutes } from './tokens.js';

export const ROUTE_MODULES: readonly RouteModule[] = [
  healthRoutes,
  openapiRoutes,
  metricsRoutes,
  introspectRoutes,
  tokenRoutes,
  decisionRoutes,
  revocationRoutes,
  policyRoutes,
  // Before the authorization server's mount: `POST /` is OPA's default decision.
  opaDataRoutes,
  oauthRoutes,
];

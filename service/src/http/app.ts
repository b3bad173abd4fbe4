// The express application factory. Each route gets the same pipeline, assembled here from data:
// caller authentication (by its access level) → body parsing and contract validation → handler.
import express, { type Express, type RequestHandler } from 'express';
import { createHttpMetrics } from '../observability/metrics.js';
import type { AppDeps } from './deps.js';
import { errorHandler, notFound } from './error-handler.js';
import { callerAuth } from './middleware/caller-auth.js';
import { contractBody } from './middleware/contract-body.js';
import { requestContext } from './middleware/request-context.js';
import { HttpProblem } from './problems.js';
import type { RouteDefinition } from './route-types.js';
import { ROUTE_MODULES } from './routes/index.js';

function pipeline(route: RouteDefinition, deps: AppDeps): RequestHandler[] {
  const steps: RequestHandler[] = [];
  if (route.access !== 'public') steps.push(callerAuth(deps.registry, deps.throttle, route.access));
  const validator = deps.contract.bodyValidator(route.method, route.path);
  if (validator !== undefined) steps.push(...contractBody(validator, deps.config.http.body_limit_bytes));
  // express 5 passes a rejected promise returned by a handler to the error handler.
  steps.push((req, res) => route.handler(req, res));
  return steps;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.http.trust_proxy);
  // Filled below, read when a request finishes: route templates whose 2xx access lines are debug.
  const debugOnSuccess = new Set<string>();
  app.use(requestContext(deps.logger, createHttpMetrics(deps.metrics), debugOnSuccess));

  const methodsByPath = new Map<string, string[]>();
  for (const module of deps.routes ?? ROUTE_MODULES) {
    for (const route of module(deps)) {
      if ('mount' in route) {
        app.use(route.mount, route.app);
        continue;
      }
      app[route.method](route.path, ...pipeline(route, deps));
      if (route.successLogLevel === 'debug') debugOnSuccess.add(route.path);
      methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method.toUpperCase()]);
    }
  }
  for (const [path, methods] of methodsByPath) {
    const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    app.all(path, () => {
      throw new HttpProblem('method_not_allowed', undefined, { headers: { allow: allow.join(', ') } });
    });
  }
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

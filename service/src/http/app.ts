// The express application factory. Each route gets the same pipeline, assembled here from data:
// caller authentication (by its access level) → body parsing and contract validation → handler,
// run as plain calls inside one handler rather than as a chain of router layers.
import express, { type Express, type Request, type Response } from 'express';
import { createHttpMetrics } from '../observability/metrics.js';
import type { AppDeps } from './deps.js';
import { errorHandler, notFound } from './error-handler.js';
import { callerAuth } from './middleware/caller-auth.js';
import { contractBody } from './middleware/contract-body.js';
import { requestContext, setRouteOf } from './middleware/request-context.js';
import { HttpProblem } from './problems.js';
import type { RouteDefinition } from './route-types.js';
import { ROUTE_MODULES } from './routes/index.js';

type Handler = (req: Request, res: Response) => Promise<void>;

function pipeline(route: RouteDefinition, deps: AppDeps): Handler {
  const auth = route.access === 'public' ? undefined : callerAuth(deps.registry, deps.throttle, route.access, deps.config.http.trust_proxy);
  const validator = deps.contract.bodyValidator(route.method, route.path);
  const body = validator === undefined ? undefined : contractBody(validator, deps.config.http.body_limit_bytes);
  // express 5 passes a rejected promise returned by a handler to the error handler.
  return async (req, res) => {
    auth?.(req, res);
    if (body !== undefined) await body(req, res);
    await route.handler(req, res);
  };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.http.trust_proxy);
  // Filled below, read when a request finishes: route templates whose 2xx access lines are debug.
  const debugOnSuccess = new Set<string>();
  const context = requestContext(deps.logger, createHttpMetrics(deps.metrics), debugOnSuccess);
  // Routes reached by exact URL and method without walking the router (see the first layer below):
  // only fixed paths registered before any mount, so the router would have picked the same route.
  const direct = new Map<string, Map<string, { path: string; run: Handler }>>();
  let mounted = false;

  app.use((req, res, next) => {
    context(req, res);
    const route = direct.get(req.url)?.get(req.method);
    if (route === undefined) {
      next();
      return undefined;
    }
    setRouteOf(res, route.path);
    return route.run(req, res);
  });

  const methodsByPath = new Map<string, string[]>();
  for (const module of deps.routes ?? ROUTE_MODULES) {
    for (const route of module(deps)) {
      if ('mount' in route) {
        app.use(route.mount, route.app);
        mounted = true;
        continue;
      }
      const run = pipeline(route, deps);
      app[route.method](route.path, run);
      if (!mounted && !route.path.includes(':')) {
        const byMethod = direct.get(route.path) ?? new Map<string, { path: string; run: Handler }>();
        if (!byMethod.has(route.method.toUpperCase())) byMethod.set(route.method.toUpperCase(), { path: route.path, run });
        direct.set(route.path, byMethod);
      }
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

// The HTTP application. Each route gets the same pipeline, assembled here from data: caller
// authentication (by its access level) → body parsing and contract validation → handler, run as
// plain calls inside one handler rather than as a chain of router layers. Routes with a `direct`
// handler (the decision API) are served before express when the request takes the plain JSON path.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import { createHttpMetrics } from '../observability/metrics.js';
import { clientAddress, type ClientAddress } from './client-address.js';
import type { AppDeps } from './deps.js';
import { errorHandler, notFound, sendError } from './error-handler.js';
import { callerAuth } from './middleware/caller-auth.js';
import { contractBody, leanJsonBody, type BodyRequest, type LeanJsonBody } from './middleware/contract-body.js';
import { requestContext, setRouteOf } from './middleware/request-context.js';
import { sendOpaError } from './opa-errors.js';
import { HttpProblem } from './problems.js';
import type { RouteDefinition } from './route-types.js';
import { ROUTE_MODULES } from './routes/index.js';

type Handler = (req: Request, res: Response) => Promise<void>;

/** A direct route's steps without express: taken only when `body.length(req)` is defined. */
interface DirectRun {
  body: LeanJsonBody;
  run(req: BodyRequest, res: ServerResponse, length: number): Promise<void>;
}

interface ExactRoute {
  path: string;
  run: Handler;
  direct?: DirectRun;
}

function authStep(route: RouteDefinition, deps: AppDeps, clientOf: ClientAddress) {
  return route.access === 'public' ? undefined : callerAuth(deps.registry, deps.throttle, route.access, clientOf);
}

function pipeline(route: RouteDefinition, deps: AppDeps, clientOf: ClientAddress): Handler {
  const auth = authStep(route, deps, clientOf);
  const validator = deps.contract.bodyValidator(route.method, route.path);
  const body = validator === undefined ? undefined : contractBody(validator, deps.config.http.body_limit_bytes);
  // express 5 passes a rejected promise returned by a handler to the error handler.
  const run: Handler = async (req, res) => {
    auth?.(req, res);
    if (body !== undefined) await body(req, res);
    await route.handler(req, res);
  };
  if (route.errorFormat !== 'opa') return run;
  return async (req, res) => {
    try {
      await run(req, res);
    } catch (err) {
      sendOpaError(deps.logger, err, req, res);
    }
  };
}

function directPipeline(route: RouteDefinition, deps: AppDeps, clientOf: ClientAddress): DirectRun | undefined {
  const handler = route.direct;
  if (handler === undefined) return undefined;
  const validator = deps.contract.bodyValidator(route.method, route.path);
  const body = validator === undefined ? undefined : leanJsonBody(validator, deps.config.http.body_limit_bytes);
  if (body === undefined) return undefined;
  const auth = authStep(route, deps, clientOf);
  return {
    body,
    run: async (req, res, length) => {
      auth?.(req, res);
      await body.read(req, length);
      await handler(req, res);
    },
  };
}

export function createApp(deps: AppDeps): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.http.trust_proxy);
  const clientOf = clientAddress(deps.config.http.trust_proxy, app.get('trust proxy fn') as (address: string, hop: number) => boolean);
  // Filled below, read when a request finishes: route templates whose 2xx access lines are debug.
  const debugOnSuccess = new Set<string>();
  const context = requestContext(deps.logger, createHttpMetrics(deps.metrics), clientOf, debugOnSuccess);
  // Routes reached by exact URL and method without walking the router (see the first layer below):
  // only fixed paths registered before any mount, so the router would have picked the same route.
  const exact = new Map<string, Map<string, ExactRoute>>();
  let mounted = false;

  app.use((req, res, next) => {
    context(req, res);
    const route = exact.get(req.url)?.get(req.method);
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
      const run = pipeline(route, deps, clientOf);
      app[route.method](route.path, run);
      if (!mounted && !route.path.includes(':') && !route.path.includes('*')) {
        const byMethod = exact.get(route.path) ?? new Map<string, ExactRoute>();
        const direct = directPipeline(route, deps, clientOf);
        if (!byMethod.has(route.method.toUpperCase())) byMethod.set(route.method.toUpperCase(), { path: route.path, run, ...(direct ? { direct } : {}) });
        exact.set(route.path, byMethod);
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

  const fail = (err: unknown, req: IncomingMessage, res: ServerResponse): void => sendError(deps.logger, err, req, res);
  return (req, res) => {
    const route = exact.get(req.url ?? '')?.get(req.method ?? '');
    const length = route?.direct?.body.length(req);
    if (length === undefined) {
      app(req, res);
      return;
    }
    context(req, res);
    setRouteOf(res, route!.path);
    route!.direct!.run(req, res, length).catch((err: unknown) => fail(err, req, res));
  };
}

// Gives every request an id (echoed in `x-request-id`), then logs and measures it once it finishes.
// Only the path is logged — never the query string, headers or body.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { HttpMetrics } from '../../observability/metrics.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? '');
}

/** Marks a request dispatched directly to its route (no router match, so no `req.route`). */
export function setRouteOf(res: Response, template: string): void {
  res.locals.routeTemplate = template;
}

/** The route template a request matched, or `unmatched` (keeps metric labels bounded). */
function routeOf(req: Request, res: Response): string {
  const direct = res.locals.routeTemplate as string | undefined;
  if (direct !== undefined) return direct;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/**
 * The first step of every request (a plain call, not a router layer). `debugOnSuccess`: route
 * templates whose 2xx requests are logged at debug rather than info.
 */
export function requestContext(logger: Logger, metrics: HttpMetrics, debugOnSuccess: ReadonlySet<string> = new Set()): (req: Request, res: Response) => void {
  // One listener function for every request (no closure per request): its state is on res.locals.
  const finished = (res: Response): void => {
    const req = res.req;
    const seconds = Number(process.hrtime.bigint() - (res.locals.requestStarted as bigint)) / 1e9;
    const route = routeOf(req, res);
    metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    metrics.duration.observe({ method: req.method, route }, seconds);
    const level = res.statusCode < 300 && debugOnSuccess.has(route) ? 'debug' : 'info';
    // The level check first: building the line is most of a skipped line's cost.
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({
      req_id: res.locals.requestId,
      method: req.method,
      path: req.path,
      route,
      status: res.statusCode,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      caller: res.locals.caller?.id,
      client_ip: req.ip,
    }, 'request');
  };
  function onFinish(this: Response): void {
    finished(this);
  }
  return (req, res) => {
    res.locals.requestStarted = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    res.on('finish', onFinish);
  };
}

// Gives every request an id (echoed in `x-request-id`), then logs and measures it once it finishes.
// Only the path is logged — never the query string, headers or body.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { HttpMetrics } from '../../observability/metrics.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? '');
}

/** The route template a request matched, or `unmatched` (keeps metric labels bounded). */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** `debugOnSuccess`: route templates whose 2xx requests are logged at debug rather than info. */
export function requestContext(logger: Logger, metrics: HttpMetrics, debugOnSuccess: ReadonlySet<string> = new Set()): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const id = incoming !== undefined && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.duration.observe({ method: req.method, route }, seconds);
      const level = res.statusCode < 300 && debugOnSuccess.has(route) ? 'debug' : 'info';
      // The level check first: building the line is most of a skipped line's cost.
      if (!logger.isLevelEnabled(level)) return;
      logger[level]({
        req_id: id,
        method: req.method,
        path: req.path,
        route,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
        caller: res.locals.caller?.id,
        client_ip: req.ip,
      }, 'request');
    });
    next();
  };
}

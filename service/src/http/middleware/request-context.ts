// Gives every request an id (echoed in `x-request-id`), then logs and measures it once it finishes.
// Only the path is logged — never the query string, headers or body.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HttpMetrics } from '../../observability/metrics.js';
import type { ClientAddress } from '../client-address.js';
import { requestStateOf, setRequestState, type RequestState } from '../request-state.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Marks a request dispatched directly to its route (no router match, so no `req.route`). */
export function setRouteOf(res: ServerResponse, template: string): void {
  const state = requestStateOf(res);
  if (state !== undefined) state.route = template;
}

/** express sets these on the requests it routes; plain node requests have neither. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/** The route template a request matched, or `unmatched` (keeps metric labels bounded). */
function routeOf(req: RoutedRequest, state: RequestState): string {
  if (state.route !== undefined) return state.route;
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** The request's path without the query string (what express calls `req.path`). */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The first step of every request (a plain call, not a router layer). `debugOnSuccess`: route
 * templates whose 2xx requests are logged at debug rather than info.
 */
export function requestContext(
  logger: Logger,
  metrics: HttpMetrics,
  clientOf: ClientAddress,
  debugOnSuccess: ReadonlySet<string> = new Set(),
): (req: IncomingMessage, res: ServerResponse) => void {
  // One listener function for every request (no closure per request): its state is on the response.
  const finished = (res: ServerResponse): void => {
    const req = res.req as RoutedRequest;
    const state = requestStateOf(res)!;
    const seconds = Number(process.hrtime.bigint() - state.started) / 1e9;
    const route = routeOf(req, state);
    const method = req.method ?? '';
    metrics.requests.inc({ method, route, status: String(res.statusCode) });
    metrics.duration.observe({ method, route }, seconds);
    const level = res.statusCode < 300 && debugOnSuccess.has(route) ? 'debug' : 'info';
    // The level check first: building the line is most of a skipped line's cost.
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({
      req_id: state.requestId,
      method,
      path: pathOf(req),
      route,
      status: res.statusCode,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      caller: state.caller?.id,
      client_ip: clientOf(req),
    }, 'request');
  };
  function onFinish(this: ServerResponse): void {
    finished(this);
  }
  return (req, res) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    setRequestState(res, { started: process.hrtime.bigint(), requestId });
    res.setHeader('x-request-id', requestId);
    res.on('finish', onFinish);
  };
}

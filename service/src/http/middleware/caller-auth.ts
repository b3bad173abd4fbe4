// Authenticates the caller of a protected route and checks its role. Repeated failures from one
// client address are throttled (429) before any credential is even looked at.
import type { Request, Response } from 'express';
import { authenticateCaller } from '../../callers/authenticate.js';
import type { AuthFailureThrottle } from '../../callers/failure-throttle.js';
import type { CallerConfig } from '../../config/types.js';
import type { Registry } from '../../config/registry.js';
import { HttpProblem, UNAUTHENTICATED_CHALLENGE } from '../problems.js';
import type { Access } from '../route-types.js';

/** The authenticated caller of the current request (set by callerAuth). */
export function callerOf(res: Response): CallerConfig {
  const caller = res.locals.caller as CallerConfig | undefined;
  if (caller === undefined) throw new TypeError('callerOf() on a route without caller authentication');
  return caller;
}

/** A pipeline step: runs as a plain call inside the route's one handler, throws to refuse. */
export type AuthStep = (req: Request, res: Response) => void;

/**
 * `trustProxy`: the app's `trust proxy` setting. Without a trusted proxy `req.ip` is the socket's
 * address, read directly rather than through proxy-addr (which parses X-Forwarded-For to ignore it).
 */
export function callerAuth(registry: Registry, throttle: AuthFailureThrottle, access: Exclude<Access, 'public'>, trustProxy: unknown): AuthStep {
  const clientOf = trustProxy === false
    ? (req: Request) => req.socket.remoteAddress
    : (req: Request) => req.ip;
  return (req, res) => {
    const client = clientOf(req) ?? 'unknown';
    const wait = throttle.retryAfter(client);
    if (wait > 0) throw new HttpProblem('too_many_failures', undefined, { headers: { 'retry-after': String(wait) } });
    const result = authenticateCaller(registry, req.headers.authorization);
    if (!result.ok) {
      if (result.code !== 'missing_credentials') throttle.recordFailure(client);
      throw new HttpProblem(result.code, undefined, { headers: { 'www-authenticate': UNAUTHENTICATED_CHALLENGE } });
    }
    res.locals.caller = result.caller;
    if (access === 'admin' && result.caller.role !== 'admin') throw new HttpProblem('admin_required');
  };
}

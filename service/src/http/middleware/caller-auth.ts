// Authenticates the caller of a protected route and checks its role. Repeated failures from one
// client address are throttled (429) before any credential is even looked at.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateCaller } from '../../callers/authenticate.js';
import type { AuthFailureThrottle } from '../../callers/failure-throttle.js';
import type { Registry } from '../../config/registry.js';
import type { ClientAddress } from '../client-address.js';
import { HttpProblem, UNAUTHENTICATED_CHALLENGE } from '../problems.js';
import { requestStateOf } from '../request-state.js';
import type { Access } from '../route-types.js';

/** A pipeline step: runs as a plain call inside the route's one handler, throws to refuse. */
export type AuthStep = (req: IncomingMessage, res: ServerResponse) => void;

export function callerAuth(registry: Registry, throttle: AuthFailureThrottle, access: Exclude<Access, 'public'>, clientOf: ClientAddress): AuthStep {
  return (req, res) => {
    const client = clientOf(req) ?? 'unknown';
    const wait = throttle.retryAfter(client);
    if (wait > 0) throw new HttpProblem('too_many_failures', undefined, { headers: { 'retry-after': String(wait) } });
    const result = authenticateCaller(registry, req.headers.authorization);
    if (!result.ok) {
      if (result.code !== 'missing_credentials') throttle.recordFailure(client);
      throw new HttpProblem(result.code, undefined, { headers: { 'www-authenticate': UNAUTHENTICATED_CHALLENGE } });
    }
    const state = requestStateOf(res);
    if (state !== undefined) state.caller = result.caller;
    if (access === 'admin' && result.caller.role !== 'admin') throw new HttpProblem('admin_required');
  };
}

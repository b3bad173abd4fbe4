// Authenticates the caller of a protected route and checks its role. Credentials are always
// verified: ones that verify are served whatever failed before. A failure is counted per (client
// address, claimed caller id) and per caller id, and past those limits it is answered 429.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateCaller, type CallerFailureThrottle } from '../../callers/index.js';
import type { Registry } from '../../config/registry.js';
import type { ClientAddress } from '../client-address.js';
import { HttpProblem, UNAUTHENTICATED_CHALLENGE } from '../problems.js';
import { requestStateOf } from '../request-state.js';
import type { Access } from '../route-types.js';

/** A pipeline step: runs as a plain call inside the route's one handler, throws to refuse. */
export type AuthStep = (req: IncomingMessage, res: ServerResponse) => void;

export function callerAuth(registry: Registry, throttle: CallerFailureThrottle, access: Exclude<Access, 'public'>, clientOf: ClientAddress): AuthStep {
  return (req, res) => {
    const result = authenticateCaller(registry, req.headers.authorization);
    if (!result.ok) {
      if (result.code !== 'missing_credentials') {
        const attempt = { address: clientOf(req) ?? 'unknown', callerId: result.callerId };
        const wait = throttle.retryAfter(attempt);
        // Failures past the limit are not counted again: the window is fixed, and under a flood
        // this spares the shared store one write per request.
        if (wait > 0) throw new HttpProblem('too_many_failures', undefined, { headers: { 'retry-after': String(wait) } });
        throttle.recordFailure(attempt);
      }
      throw new HttpProblem(result.code, undefined, { headers: { 'www-authenticate': UNAUTHENTICATED_CHALLENGE } });
    }
    const state = requestStateOf(res);
    if (state !== undefined) state.caller = result.caller;
    if (access === 'admin' && result.caller.role !== 'admin') throw new HttpProblem('admin_required');
  };
}

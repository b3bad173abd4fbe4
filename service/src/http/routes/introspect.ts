// POST /oauth2/introspect (RFC 7662). A token is active when it is valid for a server the caller is
// registered for; every other case answers exactly {"active":false}.
import type { ValidatedToken } from '../../tokens/index.js';
import { callerOf } from '../request-state.js';
import { HttpProblem } from '../problems.js';
import type { RouteModule } from '../route-types.js';

const INACTIVE = JSON.stringify({ active: false });

/** The RFC 7662 answer for a valid token: every claim, then the standard members. */
export function introspectionResponse(token: ValidatedToken): Record<string, unknown> {
  const standard: Record<string, unknown> = {
    active: true,
    scope: token.scopes.join(' '),
    client_id: token.clientId,
    sub: token.sub,
    aud: token.claims.aud,
    iss: token.issuer,
    exp: token.exp,
    iat: token.iat,
    nbf: token.nbf,
    jti: token.jti,
    token_type: typeof token.claims.token_type === 'string' ? token.claims.token_type : 'Bearer',
  };
  const out: Record<string, unknown> = { active: true, ...token.claims };
  for (const [k, v] of Object.entries(standard)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export const introspectRoutes: RouteModule = (deps) => [
  {
    method: 'post',
    path: '/oauth2/introspect',
    access: 'caller',
    handler: async (req, res) => {
      const caller = callerOf(res);
      const body = req.body as { token: string; server?: string };
      let servers = deps.registry.serversOf(caller);
      if (body.server !== undefined) {
        if (!deps.registry.callerMayAsk(caller, body.server)) throw new HttpProblem('server_not_allowed');
        servers = [deps.registry.servers.get(body.server)!];
      }
      const result = await deps.tokens.validateForServers(body.token, servers);
      res.set('cache-control', 'no-store').set('pragma', 'no-cache').type('application/json');
      res.send(result.valid ? JSON.stringify(introspectionResponse(result.token)) : INACTIVE);
    },
  },
];

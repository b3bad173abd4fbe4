// POST /v1/tokens/check: is a token valid for one server, and if not, why. The SDK uses it for
// requests that need only a valid token, so its 401 can say why (introspection stays RFC 7662).
import type { ServerResponse } from 'node:http';
import type { AppDeps } from '../deps.js';
import type { BodyRequest } from '../middleware/contract-body.js';
import type { components } from '@mcp-authz/contract';
import { callerOf, requestIdOf } from '../request-state.js';
import { sendNoStoreJson } from '../json-response.js';
import { HttpProblem } from '../problems.js';
import type { RouteModule } from '../route-types.js';

type TokenCheckRequest = components['schemas']['TokenCheckRequest'];
type TokenCheckResponse = components['schemas']['TokenCheckResponse'];

export const tokenRoutes: RouteModule = (deps: AppDeps) => {
  const check = async (req: BodyRequest, res: ServerResponse): Promise<void> => {
    const body = req.body as TokenCheckRequest;
    const server = deps.registry.servers.get(body.server);
    if (server === undefined) throw new HttpProblem('unknown_server', `server "${body.server}" is not registered`);
    if (!deps.registry.callerMayAsk(callerOf(res), body.server)) throw new HttpProblem('server_not_allowed', `caller is not registered for server "${body.server}"`);
    const result = await deps.tokens.validateForServers(body.token, [server]);
    let answer: TokenCheckResponse;
    if (result.valid) {
      const t = result.token;
      answer = {
        valid: true,
        subject: {
          scopes: t.scopes,
          issuer: t.issuer,
          ...(t.sub !== undefined ? { sub: t.sub } : {}),
          ...(t.clientId !== undefined ? { client_id: t.clientId } : {}),
          ...(t.exp !== undefined ? { exp: t.exp } : {}),
        },
      };
    } else {
      deps.logger.info({ req_id: requestIdOf(res), server: server.id, reason: result.reason }, 'token refused');
      answer = { valid: false, reason: result.reason };
    }
    sendNoStoreJson(res, answer);
  };
  return [{ method: 'post', path: '/v1/tokens/check', access: 'caller', successLogLevel: 'debug', handler: check }];
};

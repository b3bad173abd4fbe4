// POST /v1/decisions and POST /v1/decisions/batch: checks the caller may ask about the server and the
// request's size and depth limits, then asks the decision service (a bad token is an outcome, not an error).
import type { ServerResponse } from 'node:http';
import type { components } from '@mcp-authz/contract';
import type { DecisionAction, ServerRef } from '../../decisions/index.js';
import type { ExplainMode } from '../../decisions/index.js';
import type { AppDeps } from '../deps.js';
import type { BodyRequest } from '../middleware/contract-body.js';
import { callerOf, requestIdOf } from '../request-state.js';
import { sendNoStoreJson } from '../json-response.js';
import { HttpProblem } from '../problems.js';
import type { RouteModule } from '../route-types.js';
import { checkActionLimits } from './decision-limits.js';

interface DecisionBody {
  token: string;
  server: string;
  action: DecisionAction;
  context?: Record<string, unknown>;
  explain?: components['schemas']['DecisionRequest']['explain'];
}

/**
 * The explain mode asked for, if any. Explanations show the policy's rules and conditions, so only
 * admin callers get them; anyone else asking is refused rather than silently answered without one.
 */
function explainModeOf(res: ServerResponse, explain: DecisionBody['explain']): ExplainMode | undefined {
  if (explain === undefined || explain === false) return undefined;
  if (callerOf(res).role !== 'admin') throw new HttpProblem('admin_required', 'explain is for admin callers');
  return explain === true ? 'fails' : explain;
}

interface BatchBody {
  token: string;
  server: string;
  actions: DecisionAction[];
  context?: Record<string, unknown>;
}

/** The registry entry the caller asks about: unknown servers and servers of other callers are 403. */
function serverFor(deps: AppDeps, res: ServerResponse, id: string): ServerRef {
  const server = deps.registry.servers.get(id);
  if (server === undefined) throw new HttpProblem('unknown_server', `server "${id}" is not registered`);
  if (!deps.registry.callerMayAsk(callerOf(res), id)) throw new HttpProblem('server_not_allowed', `caller is not registered for server "${id}"`);
  return { id: server.id, resource: server.resource };
}

/** A refused token is an answer, not an error; its reason is logged for whoever runs the service. */
function logRefusedToken(deps: AppDeps, res: ServerResponse, server: string, reason: string | undefined): void {
  deps.logger.info({ req_id: requestIdOf(res), server, reason }, 'token refused');
}

function bodyOf<T>(req: BodyRequest): T {
  return req.body as T;
}

export const decisionRoutes: RouteModule = (deps) => {
  const decisions = deps.decisions;
  if (decisions === undefined) return [];
  const limits = { maxArgumentBytes: deps.config.decisions.max_argument_bytes, maxDepth: deps.config.decisions.max_json_depth };
  const decide = async (req: BodyRequest, res: ServerResponse): Promise<void> => {
    const body = bodyOf<DecisionBody>(req);
    checkActionLimits([body.action], body.context, limits, false);
    const server = serverFor(deps, res, body.server);
    const explain = explainModeOf(res, body.explain);
    const answer = await decisions.service.decide({
      token: body.token,
      server,
      action: body.action,
      ...(body.context !== undefined ? { context: body.context } : {}),
      ...(explain !== undefined ? { explain } : {}),
    });
    if (answer.outcome === 'invalid_token') logRefusedToken(deps, res, server.id, answer.reasons[0]);
    sendNoStoreJson(res, answer);
  };
  const decideBatch = async (req: BodyRequest, res: ServerResponse): Promise<void> => {
    const body = bodyOf<BatchBody>(req);
    checkActionLimits(body.actions, body.context, limits, true);
    const server = serverFor(deps, res, body.server);
    const results = await decisions.service.decideBatch({
      token: body.token,
      server,
      actions: body.actions,
      ...(body.context !== undefined ? { context: body.context } : {}),
    });
    const first = results[0];
    if (first?.outcome === 'invalid_token') logRefusedToken(deps, res, server.id, first.reasons[0]);
    sendNoStoreJson(res, { results });
  };
  // Both are hot paths: served without express for plain JSON requests (see RouteDefinition.direct).
  return [
    { method: 'post', path: '/v1/decisions', access: 'caller', successLogLevel: 'debug', handler: decide, direct: decide },
    { method: 'post', path: '/v1/decisions/batch', access: 'caller', successLogLevel: 'debug', handler: decideBatch, direct: decideBatch },
  ];
};

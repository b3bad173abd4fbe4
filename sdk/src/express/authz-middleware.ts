// Express middleware placed before the MCP Streamable HTTP transport: authenticates, authorizes, filters lists.
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { createIntrospectionVerifier } from '../auth-info/introspection-verifier.js';
import { decisionToAuthInfo } from '../auth-info/to-auth-info.js';
import type { AuthzClient } from '../client/create-authz-client.js';
import type { Decision, DecisionAction, DecisionContext } from '../client/types.js';
import { AuthzError } from '../errors.js';
import { protectedResourceMetadataUrl } from '../metadata/metadata-url.js';
import { sendChallenge } from './challenge.js';
import {
  actionFor, AUTHZ_DENIED_CODE, AUTHZ_UNAVAILABLE_CODE, isCall, isListMethod, isRequest, jsonRpcError, messagesOf,
  type JsonRpcCall, type JsonRpcId, type ListMethod,
} from './jsonrpc.js';
import { filterListAnswer } from './list-filter.js';
import { BodyError, readJsonBody } from './read-body.js';
import { interceptJsonRpcResponses } from './response-interceptor.js';

/** Options of {@link createAuthzMiddleware}. */
export interface AuthzMiddlewareOptions {
  /** Client of the mcp-authz service. */
  client: AuthzClient;
  /** This MCP server's id in the service's registry. */
  server: string;
  /** This MCP server's canonical resource URI (RFC 8707/9728), e.g. `https://mcp.example.com/mcp`. */
  resource: string;
  /** Metadata URL put into challenges (default: the RFC 9728 path-aware URL derived from `resource`). */
  resourceMetadataUrl?: string;
  /** Scopes named in `scope=` of 401 challenges, so clients request them up front. */
  scope?: string[];
  /** Request facts sent as decision `context` (default: `{ client_ip: req.ip }`). */
  context?: (req: Request) => DecisionContext;
  /** Largest body read when no body parser ran first (default 4 MiB). */
  bodyLimitBytes?: number;
  /** Called with every error that made the middleware fail closed (for logging; never receives tokens). */
  onError?: (error: unknown) => void;
}

interface Asked {
  message: JsonRpcCall;
  action: DecisionAction;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}

function requestIds(messages: unknown[]): JsonRpcId[] {
  return messages.filter(isCall).filter(isRequest).map((message) => message.id ?? null);
}

function sendJsonRpc(res: Response, status: number, body: unknown[]): void {
  if (body.length === 0) {
    res.status(status === 200 ? 202 : status).end();
    return;
  }
  res.status(status).json(body.length === 1 ? body[0] : body);
}

function deniedBody(asked: Asked[], decisions: Decision[], messages: unknown[]): unknown[] {
  const byMessage = new Map<unknown, Decision>(asked.map((entry, i) => [entry.message, decisions[i]!]));
  return messages.filter(isCall).filter(isRequest).map((message) => {
    const decision = byMessage.get(message);
    if (decision !== undefined && !decision.allow) {
      return jsonRpcError(message.id ?? null, AUTHZ_DENIED_CODE, `Forbidden: ${decision.reasons.join('; ') || 'denied by policy'}`, {
        reasons: decision.reasons,
        decision_id: decision.decision_id,
      });
    }
    // One denied message refuses the whole batch: the transport cannot run only part of it.
    return jsonRpcError(message.id ?? null, AUTHZ_DENIED_CODE, 'Forbidden: another message in this batch was denied');
  });
}

/**
 * Creates the middleware that protects an MCP Streamable HTTP endpoint. Put it after
 * `express.json()` (or alone: it then parses the body itself) and before the handler that
 * calls `transport.handleRequest(req, res, req.body)`.
 *
 * - no or invalid token → 401 `WWW-Authenticate: Bearer resource_metadata="…"`;
 * - `tools/call`, `prompts/get`, `resources/read` are decided before the transport sees them:
 *   a deny with `required_scopes` → 403 `insufficient_scope`, a plain deny → JSON-RPC error
 *   {@link AUTHZ_DENIED_CODE} with the reasons;
 * - other methods need a valid token for this server (introspection with `server`, cached);
 * - `tools/list`, `prompts/list`, `resources/list` answers keep only permitted entries (one batch call);
 * - no decision obtainable → 503 with JSON-RPC error {@link AUTHZ_UNAVAILABLE_CODE}: nothing runs.
 *
 * On success `req.auth` holds the MCP SDK `AuthInfo`, which the transport hands to handlers as `extra.authInfo`.
 *
 * @param options - client, server id, resource and challenge settings
 */
export function createAuthzMiddleware(options: AuthzMiddlewareOptions): RequestHandler {
  const resourceUrl = new URL(options.resource);
  const resourceMetadata = options.resourceMetadataUrl ?? protectedResourceMetadataUrl(resourceUrl);
  // The service checks the audience for `server`; the resource is reported to handlers.
  const verifier = createIntrospectionVerifier({ client: options.client, server: options.server });
  const contextOf = options.context ?? ((req: Request) => (req.ip ? { client_ip: req.ip } : {}));
  const bodyLimit = options.bodyLimitBytes ?? 4 * 1024 * 1024;

  function unauthorized(res: Response, description?: string): void {
    sendChallenge(res, 401, {
      error: description === undefined ? undefined : 'invalid_token',
      errorDescription: description,
      scope: options.scope,
      resourceMetadata,
    });
  }

  async function authorize(res: Response, token: string, messages: unknown[], context: DecisionContext): Promise<AuthInfo | undefined> {
    const asked: Asked[] = messages.filter(isCall).flatMap((message) => {
      const action = actionFor(message);
      return action === undefined ? [] : [{ message, action }];
    });
    if (asked.length === 0) {
      try {
        return { ...(await verifier.verifyAccessToken(token)), resource: resourceUrl };
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        unauthorized(res, error.message);
        return undefined;
      }
    }
    const decisions = asked.length === 1
      ? [await options.client.decide({ token, server: options.server, action: asked[0]!.action, context })]
      : await options.client.decideBatch({ token, server: options.server, actions: asked.map((entry) => entry.action), context });
    if (decisions.some((decision) => decision.outcome === 'invalid_token')) {
      unauthorized(res, 'The access token is invalid, expired, revoked, or not meant for this server');
      return undefined;
    }
    const missing = [...new Set(decisions.flatMap((decision) => (decision.allow ? [] : decision.required_scopes ?? [])))];
    if (missing.length > 0) {
      sendChallenge(res, 403, { error: 'insufficient_scope', errorDescription: 'Additional scopes are required', scope: missing, resourceMetadata });
      return undefined;
    }
    if (decisions.some((decision) => !decision.allow)) {
      sendJsonRpc(res, 200, deniedBody(asked, decisions, messages));
      return undefined;
    }
    return decisionToAuthInfo(token, decisions[0]!, resourceUrl);
  }

  function filterLists(res: Response, token: string, messages: unknown[], context: DecisionContext): void {
    const lists = new Map<JsonRpcId | undefined, ListMethod>();
    for (const message of messages.filter(isCall)) {
      if (isRequest(message) && isListMethod(message.method)) lists.set(message.id, message.method);
    }
    if (lists.size === 0) return;
    const decide = (actions: DecisionAction[]) => options.client.decideBatch({ token, server: options.server, actions, context });
    interceptJsonRpcResponses(res, async (answer) => {
      if (answer === null || typeof answer !== 'object' || !('result' in answer)) return undefined;
      const method = lists.get((answer as { id?: JsonRpcId }).id);
      if (method === undefined) return undefined;
      return filterListAnswer(method, answer as Record<string, unknown>, (actions) =>
        decide(actions).catch((error: unknown) => {
          options.onError?.(error);
          throw error;
        }),
      );
    });
  }

  return async function mcpAuthzMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    const token = bearerToken(req);
    if (token === undefined) {
      unauthorized(res, req.headers.authorization === undefined ? undefined : 'Malformed Authorization header');
      return;
    }
    let messages: unknown[] = [];
    try {
      if (req.method === 'POST') {
        if (req.body === undefined) req.body = await readJsonBody(req, bodyLimit);
        messages = messagesOf(req.body);
      }
      const context = contextOf(req);
      const authInfo = await authorize(res, token, messages, context);
      if (authInfo === undefined) return;
      (req as Request & { auth?: AuthInfo }).auth = authInfo;
      filterLists(res, token, messages, context);
    } catch (error) {
      if (error instanceof BodyError) {
        res.status(error.status).json(jsonRpcError(null, error.status === 413 ? -32600 : -32700, error.message));
        return;
      }
      if (!(error instanceof AuthzError)) return next(error);
      options.onError?.(error);
      const ids = requestIds(messages);
      const body = (ids.length > 0 ? ids : [null]).map((id) =>
        jsonRpcError(id, AUTHZ_UNAVAILABLE_CODE, 'Authorization service unavailable; request refused (fail closed)', { code: error.code }),
      );
      res.set('retry-after', '1');
      sendJsonRpc(res, 503, body);
      return;
    }
    next();
  };
}

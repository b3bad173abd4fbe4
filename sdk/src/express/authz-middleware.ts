// Express adapter of the gate, placed before an MCP Streamable HTTP transport (MCP SDK v1, or v2's express app).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DecisionContext } from '../client/types.js';
import type { GateAnswer } from '../core/challenge.js';
import { bodyErrorAnswer, createAuthzGate, type AuthzGateOptions } from '../core/gate.js';
import { BodyError, readJsonBody } from './read-body.js';
import { interceptJsonRpcResponses } from './response-interceptor.js';

/** Options of {@link createAuthzMiddleware}: the gate's options plus how to read express requests. */
export interface AuthzMiddlewareOptions extends AuthzGateOptions {
  /** Request facts sent as decision `context` (default: `{ client_ip: req.ip }`). */
  context?: (req: Request) => DecisionContext;
  /** Largest body read when no body parser ran first (default 4 MiB). */
  bodyLimitBytes?: number;
}

function send(res: Response, answer: GateAnswer): void {
  res.status(answer.status).set(answer.headers);
  if (answer.body === undefined) res.end();
  else res.json(answer.body);
}

/**
 * Creates the middleware that protects an MCP Streamable HTTP endpoint. Put it after
 * `express.json()` (or alone: it then parses the body itself) and before the handler that
 * calls `transport.handleRequest(req, res, req.body)`. What it answers is the gate's
 * behaviour ({@link createAuthzGate}); on success `req.auth` holds the `AuthInfo`, which the
 * transport hands to handlers (`extra.authInfo` in v1).
 *
 * @param options - client, server id, resource, challenge and limit settings
 */
export function createAuthzMiddleware(options: AuthzMiddlewareOptions): RequestHandler {
  const gate = createAuthzGate(options);
  const contextOf = options.context ?? ((req: Request) => (req.ip ? { client_ip: req.ip } : {}));
  const bodyLimit = options.bodyLimitBytes ?? 4 * 1024 * 1024;

  return async function mcpAuthzMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      if (req.method === 'POST' && req.body === undefined && req.headers.authorization !== undefined) req.body = await readJsonBody(req, bodyLimit);
      const result = await gate.check({ method: req.method, authorization: req.headers.authorization, body: req.body, context: contextOf(req) });
      if (result.kind === 'answer') return send(res, result.answer);
      (req as Request & { auth?: unknown }).auth = result.authInfo;
      if (result.rewrite !== undefined) interceptJsonRpcResponses(res, result.rewrite);
      next();
    } catch (error) {
      if (error instanceof BodyError) return send(res, bodyErrorAnswer(error.status, error.message));
      next(error);
    }
  };
}

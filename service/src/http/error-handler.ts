// The one place errors become responses: application/problem+json with a stable `code`.
// Body-parser failures map to 400/413; anything unexpected is a logged 500 with no details.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pathOf } from './middleware/request-context.js';
import { AuthzServiceError, type ServiceErrorCode } from '../errors/index.js';
import { HttpProblem, PROBLEMS, SERVICE_ERROR_PROBLEMS } from './problems.js';
import { requestIdOf } from './request-state.js';

const PARSER_ERRORS: Record<string, HttpProblem['code']> = {
  'entity.too.large': 'payload_too_large',
  'entity.parse.failed': 'malformed_body',
  'parameters.too.many': 'malformed_body',
  'encoding.unsupported': 'unsupported_content_encoding',
  'charset.unsupported': 'unsupported_content_type',
  'request.size.invalid': 'malformed_body',
};

/** The problem an error stands for: an HttpProblem, a service error the table maps, or a body parser's error; undefined otherwise. */
export function toProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  if (err instanceof AuthzServiceError) {
    const serviceCode: ServiceErrorCode = (err as AuthzServiceError).code;
    const code = SERVICE_ERROR_PROBLEMS[serviceCode];
    return code === undefined ? undefined : new HttpProblem(code);
  }
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && PARSER_ERRORS[type] !== undefined) return new HttpProblem(PARSER_ERRORS[type]);
  return undefined;
}

export const notFound: RequestHandler = (req) => {
  throw new HttpProblem('not_found', `no route for ${req.method} ${req.path}`);
};

/** Answers `err` as problem+json on node's response (express routes and direct routes alike). */
export function sendError(logger: Logger, err: unknown, req: IncomingMessage, res: ServerResponse): void {
  if ((err as { type?: unknown } | null)?.type === 'request.aborted') {
    // The client closed the connection mid-body: nothing to answer, and nothing wrong here.
    logger.info({ req_id: requestIdOf(res), method: req.method, path: pathOf(req) }, 'request aborted by the client');
    if (!res.headersSent) res.destroy();
    return;
  }
  let problem = toProblem(err);
  if (problem === undefined) {
    // Only the message and stack: error objects from parsers can carry the raw body (a token).
    const e = err as Error;
    logger.error({ req_id: requestIdOf(res), error: { name: e?.name, message: e?.message, code: (e as { code?: unknown })?.code, stack: e?.stack } }, 'unhandled error');
    problem = new HttpProblem('internal_error', 'internal error');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({
    type: `urn:mcp-authz:problem:${problem.code}`,
    title: PROBLEMS[problem.code].title,
    status: problem.status,
    code: problem.code,
    detail: problem.message,
    instance: pathOf(req),
    request_id: requestIdOf(res),
    ...(problem.extras.errors !== undefined ? { errors: problem.extras.errors } : {}),
  });
  res.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.extras.headers ?? {})) res.setHeader(name, value);
  res.setHeader('content-type', 'application/problem+json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => sendError(logger, err, req, res);
}

// Errors of the OPA-compatible routes in OPA's own shape, `{"code", "message", "errors"}`, with
// OPA's code strings, so OPA's clients read them. The service's problems map onto those codes here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AuthzServiceError, type OpaErrorCode } from '../errors/index.js';
import { toProblem } from './error-handler.js';
import { pathOf } from './middleware/request-context.js';
import type { ProblemCode } from './problems.js';
import { requestIdOf } from './request-state.js';

export type { OpaErrorCode } from '../errors/index.js';

/** One entry of `errors`: an evaluation error with where it happened, as OPA reports it. */
export interface OpaErrorDetail {
  code: string;
  message: string;
  location?: { file: string; row: number; col: number };
}

/** An error a route answers in OPA's shape. */
export class OpaError extends AuthzServiceError<OpaErrorCode> {
  constructor(
    readonly status: number,
    readonly code: OpaErrorCode,
    message: string,
    readonly errors?: OpaErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpaError';
  }
}

// OPA's messages for the same situations (its server/types Msg* constants).
export const OPA_MESSAGES = {
  unauthorized: 'request rejected by administrative policy',
  evaluation: 'error(s) occurred while evaluating query',
  tooLarge: 'request body too large',
} as const;

/** How each problem of the shared pipeline (authentication, body parsing) reads in OPA's shape. */
const FROM_PROBLEM: Partial<Record<ProblemCode, OpaErrorCode>> = {
  missing_credentials: 'unauthorized',
  malformed_credentials: 'unauthorized',
  invalid_credentials: 'unauthorized',
  too_many_failures: 'unauthorized',
  admin_required: 'unauthorized',
  invalid_request: 'invalid_parameter',
  malformed_body: 'invalid_parameter',
  nesting_too_deep: 'invalid_parameter',
  unsupported_content_type: 'invalid_parameter',
  malformed_content_encoding: 'invalid_parameter',
  unsupported_content_encoding: 'invalid_parameter',
  payload_too_large: 'invalid_parameter',
  not_found: 'resource_not_found',
};

function toOpaError(err: unknown): OpaError | undefined {
  if (err instanceof OpaError) return err;
  const problem = toProblem(err);
  if (problem === undefined) return undefined;
  const code = FROM_PROBLEM[problem.code] ?? 'internal_error';
  const message = code === 'unauthorized' && problem.code !== 'too_many_failures'
    ? OPA_MESSAGES.unauthorized
    : problem.code === 'payload_too_large' ? OPA_MESSAGES.tooLarge : problem.message;
  return new OpaError(problem.status, code, message, undefined, problem.extras.headers);
}

/** Answers `err` in OPA's error shape; anything unexpected is a logged 500 without details. */
export function sendOpaError(logger: Logger, err: unknown, req: IncomingMessage, res: ServerResponse): void {
  if ((err as { type?: unknown } | null)?.type === 'request.aborted') {
    logger.info({ req_id: requestIdOf(res), method: req.method, path: pathOf(req) }, 'request aborted by the client');
    if (!res.headersSent) res.destroy();
    return;
  }
  let error = toOpaError(err);
  if (error === undefined) {
    const e = err as Error;
    logger.error({ req_id: requestIdOf(res), error: { name: e?.name, message: e?.message, stack: e?.stack } }, 'unhandled error');
    error = new OpaError(500, 'internal_error', 'internal error');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ code: error.code, message: error.message, ...(error.errors !== undefined ? { errors: error.errors } : {}) });
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}

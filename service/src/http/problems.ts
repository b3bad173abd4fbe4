// Every problem the API answers, with its stable code, status and title (RFC 9457 bodies).
// Features add their codes to PROBLEMS (and to errors/codes.ts); handlers throw HttpProblem and the error handler renders it.
import { AuthzServiceError, type ProblemCode, type ServiceErrorCode } from '../errors/index.js';

export type { ProblemCode } from '../errors/index.js';

export const PROBLEMS = {
  invalid_request: { status: 400, title: 'The request does not match the contract' },
  malformed_body: { status: 400, title: 'The request body cannot be parsed' },
  nesting_too_deep: { status: 400, title: 'The request nests JSON deeper than allowed' },
  unsupported_content_type: { status: 400, title: 'Unsupported content type' },
  revocation_exp_too_far: { status: 400, title: 'Revocation exp is later than any token of that issuer can live' },
  malformed_content_encoding: { status: 400, title: 'The request body does not decode as its Content-Encoding' },
  missing_credentials: { status: 401, title: 'Caller authentication required' },
  malformed_credentials: { status: 401, title: 'Malformed caller credentials' },
  invalid_credentials: { status: 401, title: 'Invalid caller credentials' },
  server_not_allowed: { status: 403, title: 'Caller is not registered for this server' },
  unknown_server: { status: 403, title: 'Unknown server' },
  admin_required: { status: 403, title: 'Admin caller required' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_content_encoding: { status: 415, title: 'Unsupported content encoding' },
  arguments_too_large: { status: 413, title: 'Action arguments over the size limit' },
  too_many_failures: { status: 429, title: 'Too many failed authentication attempts' },
  internal_error: { status: 500, title: 'Internal error' },
} as const satisfies Record<ProblemCode, { status: number; title: string }>;

/**
 * Service errors other than HttpProblem that answer as a problem, by their code. Empty today: any
 * other service error that reaches the error handler is a bug, answered as a logged internal_error.
 */
export const SERVICE_ERROR_PROBLEMS: Partial<Record<ServiceErrorCode, ProblemCode>> = {};

export interface ProblemExtras {
  headers?: Record<string, string>;
  errors?: { path: string; message: string }[];
}

/** An error that becomes an application/problem+json response. */
export class HttpProblem extends AuthzServiceError<ProblemCode> {
  readonly code: ProblemCode;
  readonly status: number;
  readonly extras: ProblemExtras;

  constructor(code: ProblemCode, detail?: string, extras: ProblemExtras = {}) {
    super(detail ?? PROBLEMS[code].title);
    this.name = 'HttpProblem';
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.extras = extras;
  }
}

export const UNAUTHENTICATED_CHALLENGE = 'Basic realm="mcp-authz", Bearer realm="mcp-authz"';

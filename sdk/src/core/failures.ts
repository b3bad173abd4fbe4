// Tells the ways a decision can fail apart: an outage (503), a malformed MCP request (-32602) or this server's misconfiguration (500).
import { AuthzError, AuthzRequestError } from '../errors.js';
import { AUTHZ_UNAVAILABLE_CODE, INTERNAL_ERROR_CODE, INVALID_PARAMS_CODE, jsonRpcError, type JsonRpcId } from './jsonrpc.js';

/** Where the SDK writes what an operator must fix. `console` fits, and so do pino-style loggers. */
export interface AuthzLogger {
  /** Receives one line per distinct misconfiguration (never a token or a secret). */
  error(message: string): void;
}

/** What a failed decision means for the MCP request. */
export type FailureKind =
  /** The service could not be asked (down, timeout, 5xx, broken answer): 503 with Retry-After, try again. */
  | { kind: 'unavailable' }
  /** The service refused the action as sent (400/413): the MCP request's params are at fault. */
  | { kind: 'invalid_params'; message: string }
  /** The service refused this MCP server itself (credentials, server id): no retry will help. */
  | { kind: 'misconfigured'; key: string; fix: string };

function describeRejection(error: AuthzRequestError, server: string): { key: string; fix: string } | undefined {
  const code = error.problemCode ?? '';
  const key = `${error.status} ${code}`;
  if (error.status === 401 || (error.status === 429 && code === 'too_many_failures')) {
    return {
      key,
      fix: `mcp-authz refused this MCP server's caller credentials (HTTP ${error.status}${code ? ` ${code}` : ''}). `
        + 'Fix: set clientId and clientSecret (or apiKey) to a caller registered in the service (AUTHZ_CLIENTS or the callers file).',
    };
  }
  if (error.status === 403 && code === 'unknown_server') {
    return {
      key,
      fix: `mcp-authz knows no server "${server}" (HTTP 403 unknown_server). `
        + 'Fix: register it in the service (AUTHZ_SERVERS or the servers file), or set the `server` option to its registered id.',
    };
  }
  if (error.status === 404) {
    return {
      key,
      fix: `mcp-authz answered HTTP 404${code ? ` ${code}` : ''} to this MCP server's calls. `
        + 'Fix: set the `url` option to the base URL of the mcp-authz service (e.g. http://127.0.0.1:8080).',
    };
  }
  if (error.status === 403) {
    return {
      key,
      fix: `mcp-authz refused this caller for server "${server}" (HTTP 403${code ? ` ${code}` : ''}). `
        + 'Fix: add the server to the caller\'s servers in the service, or use the credentials of a caller registered for it.',
    };
  }
  return undefined;
}

/**
 * Classifies an error thrown while deciding. Anything that is not an {@link AuthzError} is not
 * classified here (the adapter's framework handles it).
 *
 * @param error - what the client threw
 * @param server - this MCP server's id, named in the fix
 */
export function classifyFailure(error: AuthzError, server: string): FailureKind {
  if (error instanceof AuthzRequestError) {
    const misconfigured = describeRejection(error, server);
    if (misconfigured !== undefined) return { kind: 'misconfigured', ...misconfigured };
    if (error.status === 400 || error.status === 413) {
      return { kind: 'invalid_params', message: error.problemCode === 'arguments_too_large' ? 'arguments are larger than the service accepts' : 'the request cannot be decided as sent' };
    }
  }
  return { kind: 'unavailable' };
}

/**
 * Returns a reporter that writes each distinct misconfiguration once at error level, so a
 * wrong secret shows up in the log with its fix without flooding it on every request.
 *
 * @param logger - where to write
 */
export function createMisconfigurationReporter(logger: AuthzLogger): (failure: { key: string; fix: string }) => void {
  const reported = new Set<string>();
  return (failure) => {
    if (reported.has(failure.key)) return;
    reported.add(failure.key);
    logger.error(`@mcp-authz/sdk: ${failure.fix}`);
  };
}

/** How a failed decision is answered: status, extra headers and the JSON-RPC errors, one per request id. */
export interface FailureMessages {
  status: 200 | 500 | 503;
  headers: Record<string, string>;
  body: Record<string, unknown>[];
}

/**
 * Builds the answer for a classified failure. Nothing ran: every request of the body gets the error.
 *
 * @param failure - the classification
 * @param error - the error (its stable `code` goes into `error.data.code`)
 * @param ids - ids of the body's requests (an empty list answers one error with id null)
 */
export function failureMessages(failure: FailureKind, error: AuthzError, ids: JsonRpcId[]): FailureMessages {
  const answerIds = ids.length > 0 ? ids : [null];
  if (failure.kind === 'invalid_params') {
    return { status: 200, headers: {}, body: answerIds.map((id) => jsonRpcError(id, INVALID_PARAMS_CODE, `Invalid params: ${failure.message}`)) };
  }
  if (failure.kind === 'misconfigured') {
    return {
      status: 500,
      headers: {},
      body: answerIds.map((id) => jsonRpcError(id, INTERNAL_ERROR_CODE, 'Internal error: this server\'s authorization is misconfigured; request refused', { code: error.code })),
    };
  }
  return {
    status: 503,
    headers: { 'retry-after': '1' },
    body: answerIds.map((id) => jsonRpcError(id, AUTHZ_UNAVAILABLE_CODE, 'Authorization service unavailable; request refused (fail closed)', { code: error.code })),
  };
}

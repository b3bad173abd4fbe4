// Web-standard adapter of the gate: wraps a fetch-style MCP handler (Request → Response), e.g. MCP SDK v2's transport, Hono.
import type { AuthInfo } from '../auth-info/auth-info.js';
import type { DecisionContext } from '../client/types.js';
import type { GateAnswer } from '../core/challenge.js';
import { bodyErrorAnswer, createAuthzGate, type AuthzGateOptions, type MessageRewriter } from '../core/gate.js';
import { INTERNAL_ERROR_CODE, jsonRpcError } from '../core/jsonrpc.js';
import { rewriteJsonBody, sseRewriteStream } from '../core/rewrite-messages.js';

/** What the wrapped handler receives beside the request: who is calling, and the body already read. */
export interface AuthzFetchExtra {
  /** The authenticated caller; pass it on as the transport's `authInfo`. */
  authInfo: AuthInfo;
  /** The parsed JSON body of a POST (undefined otherwise); pass it on as `parsedBody`. */
  parsedBody: unknown;
}

/** A fetch-style MCP handler, e.g. `(req, extra) => transport.handleRequest(req, extra)` of MCP SDK v2. */
export type AuthzFetchHandler = (request: Request, extra: AuthzFetchExtra) => Response | Promise<Response>;

/** Options of {@link createAuthzFetch}: the gate's options plus how to read web requests. */
export interface AuthzFetchOptions extends AuthzGateOptions {
  /** Request facts sent as decision `context` (default none: a web request does not say who connected). */
  context?: (request: Request) => DecisionContext;
  /** Largest body read (default 4 MiB); larger bodies get 413. */
  bodyLimitBytes?: number;
}

class BodyTooLarge extends Error {}

async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new BodyTooLarge();
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: a cancelled tee branch settles only once the other branch is cancelled too.
      reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function toResponse(answer: GateAnswer): Response {
  if (answer.body === undefined) return new Response(null, { status: answer.status, headers: answer.headers });
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { ...answer.headers, 'content-type': 'application/json' } });
}

async function rewriteResponse(response: Response, rewrite: MessageRewriter): Promise<Response> {
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  if (response.body === null || (!type.includes('application/json') && !type.includes('text/event-stream'))) return response;
  const headers = new Headers(response.headers);
  // The body changes length, so the handler's Content-Length cannot stay.
  headers.delete('content-length');
  const init = { status: response.status, statusText: response.statusText, headers };
  if (type.includes('text/event-stream')) return new Response(response.body.pipeThrough(sseRewriteStream(rewrite)), init);
  return new Response(await rewriteJsonBody(await response.text(), rewrite), init);
}

/**
 * Wraps a fetch-style MCP handler with the gate (same behaviour as the express middleware):
 * 401/403 challenges with `WWW-Authenticate`, a decision per call before the handler runs,
 * filtered `tools/list`/`prompts/list`/`resources/list` answers, and fail closed when no
 * decision can be had. The handler receives the untouched request (its body not yet read)
 * and `{ authInfo, parsedBody }`.
 *
 * ```ts
 * const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
 * await mcpServer.connect(transport);
 * const fetch = createAuthzFetch({ client, server: 'files', resource }, (req, extra) => transport.handleRequest(req, extra));
 * ```
 *
 * @param options - client, server id, resource, challenge and limit settings
 * @param handler - the MCP endpoint's handler
 * @returns a `(request) => Promise<Response>` for any web-standard server (Node via an adapter, Hono, Workers, Deno, Bun)
 */
export function createAuthzFetch(options: AuthzFetchOptions, handler: AuthzFetchHandler): (request: Request) => Promise<Response> {
  const gate = createAuthzGate(options);
  const contextOf = options.context ?? (() => ({}));
  const bodyLimit = options.bodyLimitBytes ?? 4 * 1024 * 1024;

  return async function authzFetch(request: Request): Promise<Response> {
    const authorization = request.headers.get('authorization');
    let parsedBody: unknown;
    if (request.method === 'POST' && authorization !== null) {
      let text: string;
      try {
        text = await readBody(request.clone(), bodyLimit);
      } catch (error) {
        if (error instanceof BodyTooLarge) return toResponse(bodyErrorAnswer(413, `request body exceeds ${bodyLimit} bytes`));
        throw error;
      }
      try {
        parsedBody = JSON.parse(text);
      } catch {
        return toResponse(bodyErrorAnswer(400, 'Parse error: Invalid JSON'));
      }
    }
    try {
      const result = await gate.check({ method: request.method, authorization, body: parsedBody, context: contextOf(request) });
      if (result.kind === 'answer') return toResponse(result.answer);
      const response = await handler(request, { authInfo: result.authInfo, parsedBody });
      return result.rewrite === undefined ? response : await rewriteResponse(response, result.rewrite);
    } catch (error) {
      // Not a refusal but a fault (a bug, the handler throwing): nothing is known to have run, so answer 500.
      options.onError?.(error);
      return toResponse({ status: 500, headers: {}, body: jsonRpcError(null, INTERNAL_ERROR_CODE, 'Internal error') });
    }
  };
}

// The framework-free gate in front of an MCP endpoint: authenticates, decides, prepares list filtering, fails closed.
import type { AuthInfo } from '../auth-info/auth-info.js';
import { decisionToAuthInfo, tokenCheckToAuthInfo } from '../auth-info/to-auth-info.js';
import type { AuthzClient } from '../client/create-authz-client.js';
import type { Decision, DecisionAction, DecisionContext } from '../client/types.js';
import { AuthzError } from '../errors.js';
import { protectedResourceMetadataUrl } from '../metadata/metadata-url.js';
import { challengeAnswer, jsonRpcAnswer, type GateAnswer } from './challenge.js';
import { checkMessages, DEFAULT_MAX_ARGUMENT_BYTES } from './check-messages.js';
import { classifyFailure, createMisconfigurationReporter, failureMessages, type AuthzLogger } from './failures.js';
import {
  actionFor, AUTHZ_DENIED_CODE, INVALID_REQUEST_CODE, isCall, isListMethod, isRequest, jsonRpcError, messagesOf,
  type JsonRpcCall, type JsonRpcId, type ListMethod,
} from './jsonrpc.js';
import { filterListAnswer } from './list-filter.js';
import { describeInvalidToken } from './token-reasons.js';

/** Options shared by every adapter of the gate. */
export interface AuthzGateOptions {
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
  /**
   * Largest `arguments` of one `tools/call` or `prompts/get`, as JSON bytes (default 32768, the
   * service's default `decisions.max_argument_bytes`). Larger requests get JSON-RPC -32602.
   */
  maxArgumentBytes?: number;
  /**
   * Where a misconfiguration of this MCP server (its caller credentials refused, its server id
   * unknown to the service) is written, once per kind, with the fix (default `console`).
   */
  logger?: AuthzLogger;
  /**
   * Called with every error that made the gate fail closed: outages, misconfigurations, refused
   * list decisions. For logging and metrics; it never receives tokens and must not throw.
   */
  onError?: (error: unknown) => void;
}

/** One incoming HTTP request, as the gate needs it. */
export interface GateRequest {
  /** HTTP method. */
  method: string;
  /** The `Authorization` header, if any. */
  authorization: string | null | undefined;
  /** The parsed JSON body of a POST (undefined otherwise). */
  body: unknown;
  /** Decision `context` for this request. */
  context: DecisionContext;
}

/** Replaces one outgoing JSON-RPC message; resolves to `undefined` to leave it untouched. Never rejects. */
export type MessageRewriter = (message: unknown) => Promise<unknown>;

/** What the gate concluded: answer now (nothing runs), or let the transport run with this auth info. */
export type GateResult =
  | { kind: 'answer'; answer: GateAnswer }
  | { kind: 'pass'; authInfo: AuthInfo; rewrite: MessageRewriter | undefined };

/** The gate. */
export interface AuthzGate {
  /** The metadata URL named in challenges. */
  readonly resourceMetadataUrl: string;
  /**
   * Decides one request.
   *
   * @throws whatever is not an {@link AuthzError} (a bug, not a refusal): the adapter fails closed on it
   */
  check(request: GateRequest): Promise<GateResult>;
}

interface Asked {
  message: JsonRpcCall;
  action: DecisionAction;
}

function bearerToken(header: string | null | undefined): string | undefined {
  if (header === undefined || header === null) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}

function requestIds(messages: unknown[]): JsonRpcId[] {
  return messages.filter(isCall).filter(isRequest).map((message) => message.id ?? null);
}

function deniedMessages(asked: Asked[], decisions: Decision[], messages: unknown[]): unknown[] {
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
 * Creates the gate that every adapter (express middleware, fetch wrapper) runs:
 *
 * - no or invalid token → 401 `WWW-Authenticate: Bearer resource_metadata="…"` (an invalid
 *   token's reason becomes a fixed, safe `error_description`);
 * - a body with one id used twice → 400 JSON-RPC -32600; malformed MCP params → JSON-RPC -32602;
 * - `tools/call`, `prompts/get`, `resources/read` are decided before the transport sees them:
 *   a deny with `required_scopes` → 403 `insufficient_scope`, a plain deny → JSON-RPC -32003;
 * - other methods need a valid token for this server (`POST /v1/tokens/check`, cached), and a
 *   refused token's reason becomes the 401's `error_description` too;
 * - `tools/list`, `prompts/list`, `resources/list` answers are rewritten to the permitted entries;
 * - no decision obtainable → 503 JSON-RPC -32004; the service refusing this server's own
 *   credentials or id → 500 JSON-RPC -32603, logged once with the fix. Nothing runs.
 *
 * @param options - client, server id, resource, challenge and limit settings
 */
export function createAuthzGate(options: AuthzGateOptions): AuthzGate {
  const resourceUrl = new URL(options.resource);
  const resourceMetadata = options.resourceMetadataUrl ?? protectedResourceMetadataUrl(resourceUrl);
  const maxArgumentBytes = options.maxArgumentBytes ?? DEFAULT_MAX_ARGUMENT_BYTES;
  if (!(maxArgumentBytes > 0)) throw new TypeError('maxArgumentBytes must be positive');
  const report = createMisconfigurationReporter(options.logger ?? console);
  const { client, server } = options;

  function unauthorized(description?: string): GateResult {
    return {
      kind: 'answer',
      answer: challengeAnswer(401, { error: description === undefined ? undefined : 'invalid_token', errorDescription: description, scope: options.scope, resourceMetadata }),
    };
  }

  function failed(error: AuthzError, ids: JsonRpcId[]): GateAnswer {
    const failure = classifyFailure(error, server);
    if (failure.kind === 'misconfigured') report(failure);
    options.onError?.(error);
    const { status, headers, body } = failureMessages(failure, error, ids);
    return jsonRpcAnswer(status, body, headers);
  }

  async function authorize(token: string, messages: unknown[], context: DecisionContext): Promise<GateResult> {
    const asked: Asked[] = messages.filter(isCall).flatMap((message) => {
      const action = actionFor(message);
      return action === undefined ? [] : [{ message, action }];
    });
    if (asked.length === 0) {
      const check = await client.checkToken(token, server);
      if (!check.valid) return unauthorized(describeInvalidToken(check.reason === undefined ? [] : [check.reason]));
      return { kind: 'pass', authInfo: tokenCheckToAuthInfo(token, check, resourceUrl), rewrite: undefined };
    }
    const decisions = asked.length === 1
      ? [await client.decide({ token, server, action: asked[0]!.action, context })]
      : await client.decideBatch({ token, server, actions: asked.map((entry) => entry.action), context });
    const invalid = decisions.find((decision) => decision.outcome === 'invalid_token');
    if (invalid !== undefined) return unauthorized(describeInvalidToken(invalid.reasons));
    const missing = [...new Set(decisions.flatMap((decision) => (decision.allow ? [] : decision.required_scopes ?? [])))];
    if (missing.length > 0) {
      return { kind: 'answer', answer: challengeAnswer(403, { error: 'insufficient_scope', errorDescription: 'Additional scopes are required', scope: missing, resourceMetadata }) };
    }
    if (decisions.some((decision) => !decision.allow)) return { kind: 'answer', answer: jsonRpcAnswer(200, deniedMessages(asked, decisions, messages)) };
    return { kind: 'pass', authInfo: decisionToAuthInfo(token, decisions[0]!, resourceUrl), rewrite: undefined };
  }

  // checkMessages refused repeated ids, so an answer's id names exactly one request of the body.
  function listRewriter(token: string, messages: unknown[], context: DecisionContext): MessageRewriter | undefined {
    const lists = new Map<JsonRpcId, ListMethod>();
    for (const message of messages.filter(isCall)) {
      if (isRequest(message) && isListMethod(message.method)) lists.set(message.id ?? null, message.method);
    }
    if (lists.size === 0) return undefined;
    const decide = (actions: DecisionAction[]) => client.decideBatch({ token, server, actions, context });
    const refuse = (id: JsonRpcId, error: unknown): Record<string, unknown> => {
      const refusal = error instanceof AuthzError ? error : new AuthzError('ERR_AUTHZ_INTERNAL', 'list filtering failed', { cause: error });
      return failed(refusal, [id]).body as Record<string, unknown>;
    };
    return async (answer) => {
      if (answer === null || typeof answer !== 'object' || !('result' in answer) || !('id' in answer)) return undefined;
      const id = (answer as { id: unknown }).id;
      const method = lists.get(id as JsonRpcId);
      if (method === undefined) return undefined;
      return filterListAnswer(method, answer as Record<string, unknown>, decide, refuse);
    };
  }

  return {
    resourceMetadataUrl: resourceMetadata,
    async check(request: GateRequest): Promise<GateResult> {
      const token = bearerToken(request.authorization);
      if (token === undefined) return unauthorized(request.authorization ? 'Malformed Authorization header' : undefined);
      const messages = request.method === 'POST' ? messagesOf(request.body) : [];
      const refusal = checkMessages(messages, maxArgumentBytes);
      if (refusal !== undefined) return { kind: 'answer', answer: jsonRpcAnswer(refusal.status, refusal.body) };
      try {
        const result = await authorize(token, messages, request.context);
        if (result.kind === 'answer') return result;
        return { ...result, rewrite: listRewriter(token, messages, request.context) };
      } catch (error) {
        if (!(error instanceof AuthzError)) throw error;
        return { kind: 'answer', answer: failed(error, requestIds(messages)) };
      }
    },
  };
}

/**
 * The answer to a body that could not be read: 413 when too large (JSON-RPC -32600), 400 when
 * not JSON (JSON-RPC -32700). Adapters read bodies themselves and use this for their failures.
 *
 * @param status - 400 or 413
 * @param message - what was wrong
 */
export function bodyErrorAnswer(status: 400 | 413, message: string): GateAnswer {
  return jsonRpcAnswer(status, [jsonRpcError(null, status === 413 ? INVALID_REQUEST_CODE : -32700, message)]);
}

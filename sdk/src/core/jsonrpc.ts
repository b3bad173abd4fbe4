// JSON-RPC message shapes the middleware inspects, and which MCP methods map to which decision actions.
import type { DecisionAction } from '../client/types.js';

/** JSON-RPC error code answered when the policy denies a request (the handler did not run). */
export const AUTHZ_DENIED_CODE = -32003;
/** JSON-RPC error code answered when no decision could be obtained (service down, timeout): fail closed. */
export const AUTHZ_UNAVAILABLE_CODE = -32004;
/** JSON-RPC 2.0 "Invalid Request": the body is not a usable request (e.g. one id used twice in a batch). */
export const INVALID_REQUEST_CODE = -32600;
/** JSON-RPC 2.0 "Invalid params": an MCP request the SDK cannot decide on as sent (nothing ran). */
export const INVALID_PARAMS_CODE = -32602;
/** JSON-RPC 2.0 "Internal error": answered when the service refuses this MCP server's own set-up. */
export const INTERNAL_ERROR_CODE = -32603;

/** A JSON-RPC id. */
export type JsonRpcId = string | number | null;

/** A JSON-RPC request or notification as received (validated loosely; the transport validates fully). */
export interface JsonRpcCall {
  jsonrpc?: string;
  id?: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

/** The MCP list methods whose answers are filtered, with the array member and entry key of each. */
export const listMethods = {
  'tools/list': { member: 'tools', key: 'name', target: 'tool' },
  'prompts/list': { member: 'prompts', key: 'name', target: 'prompt' },
  'resources/list': { member: 'resources', key: 'uri', target: 'resource' },
} as const;

/** One of the filtered list methods. */
export type ListMethod = keyof typeof listMethods;

/**
 * Whether a method's answers are filtered per entry.
 *
 * @param method - JSON-RPC method
 */
export function isListMethod(method: string): method is ListMethod {
  return Object.hasOwn(listMethods, method);
}

/**
 * The body's messages: one object or a batch array. Anything else is not JSON-RPC and yields
 * an empty list (the transport answers it with its own error).
 *
 * @param body - parsed request body
 */
export function messagesOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  return body !== null && typeof body === 'object' ? [body] : [];
}

/**
 * Narrows a message to a request or notification.
 *
 * @param message - one element of the body
 */
export function isCall(message: unknown): message is JsonRpcCall {
  return message !== null && typeof message === 'object' && typeof (message as { method?: unknown }).method === 'string';
}

/**
 * Whether the message expects an answer (has an id).
 *
 * @param message - a request or notification
 */
export function isRequest(message: JsonRpcCall): boolean {
  return message.id !== undefined;
}

function argumentsOf(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const args = params?.arguments;
  return args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

function stringParam(params: Record<string, unknown> | undefined, name: string): string {
  const value = params?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The decision action for a message that needs one before it runs: `tools/call` (tool and
 * arguments), `prompts/get` (prompt and arguments), `resources/read` (resource URI).
 * Other methods need only a valid token.
 *
 * @param message - a request or notification
 */
export function actionFor(message: JsonRpcCall): DecisionAction | undefined {
  switch (message.method) {
    case 'tools/call':
      return { method: message.method, tool: stringParam(message.params, 'name'), arguments: argumentsOf(message.params) };
    case 'prompts/get':
      return { method: message.method, prompt: stringParam(message.params, 'name'), arguments: argumentsOf(message.params) };
    case 'resources/read':
      return { method: message.method, resource: stringParam(message.params, 'uri') };
    default:
      return undefined;
  }
}

/**
 * A JSON-RPC error answer.
 *
 * @param id - id of the request answered
 * @param code - JSON-RPC error code
 * @param message - short text
 * @param data - structured details
 */
export function jsonRpcError(id: JsonRpcId, code: number, message: string, data?: Record<string, unknown>): Record<string, unknown> {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data ? { data } : {}) } };
}

// Refuses JSON-RPC bodies the gate cannot decide on as sent: repeated ids, malformed MCP params, oversized arguments.
import { INVALID_PARAMS_CODE, INVALID_REQUEST_CODE, isCall, isRequest, jsonRpcError, type JsonRpcCall, type JsonRpcId } from './jsonrpc.js';

/** Default bound of one request's `arguments`, as JSON bytes (the service's default `decisions.max_argument_bytes`). */
export const DEFAULT_MAX_ARGUMENT_BYTES = 32_768;

/** A refusal: HTTP status and the JSON-RPC messages to answer. Nothing reached the service or the transport. */
export interface MessageRefusal {
  status: 200 | 400;
  body: Record<string, unknown>[];
}

const encoder = new TextEncoder();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

// What is wrong with one decided request's params, or undefined when it can be decided.
function paramsProblem(message: JsonRpcCall, maxArgumentBytes: number): string | undefined {
  const { method } = message;
  if (method !== 'tools/call' && method !== 'prompts/get' && method !== 'resources/read') return undefined;
  const params: unknown = message.params;
  if (!isPlainObject(params)) return `${method} needs params as an object`;
  if (method === 'resources/read') return typeof params.uri === 'string' ? undefined : 'resources/read needs a string uri';
  if (typeof params.name !== 'string') return `${method} needs a string name`;
  if (params.arguments === undefined) return undefined;
  if (!isPlainObject(params.arguments)) return `${method} arguments must be an object`;
  if (jsonBytes(params.arguments) > maxArgumentBytes) return `${method} arguments are larger than ${maxArgumentBytes} bytes`;
  return undefined;
}

function validId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/**
 * Checks a body's messages before anything is decided. A batch that uses one request id twice
 * is refused whole (HTTP 400, JSON-RPC -32600): answers could not be told apart, and a list
 * answer could be taken for another list's. A request with malformed params (a non-string tool
 * name, non-object or oversized arguments) is answered JSON-RPC -32602 and nothing in its body runs.
 *
 * @param messages - the body's messages, in order
 * @param maxArgumentBytes - bound of one request's `arguments` as JSON
 * @returns the refusal to answer, or undefined when every message can be decided
 */
export function checkMessages(messages: unknown[], maxArgumentBytes: number): MessageRefusal | undefined {
  const requests = messages.filter(isCall).filter(isRequest);
  const seen = new Set<unknown>();
  for (const request of requests) {
    if (!validId(request.id)) return { status: 400, body: [jsonRpcError(null, INVALID_REQUEST_CODE, 'Invalid Request: id must be a string, a number or null')] };
    if (seen.has(request.id)) {
      return { status: 400, body: [jsonRpcError(null, INVALID_REQUEST_CODE, `Invalid Request: id ${JSON.stringify(request.id)} is used by more than one request in this batch`)] };
    }
    seen.add(request.id);
  }
  const problems = messages.filter(isCall).map((message) => paramsProblem(message, maxArgumentBytes));
  if (problems.every((problem) => problem === undefined)) return undefined;
  const calls = messages.filter(isCall);
  // Notifications get no answer; every request of the body is refused, since the transport cannot run part of it.
  const body = calls.flatMap((message, i) => {
    if (!isRequest(message)) return [];
    const problem = problems[i];
    return [problem === undefined
      ? jsonRpcError(message.id ?? null, INVALID_PARAMS_CODE, 'Invalid params: another message in this batch is invalid')
      : jsonRpcError(message.id ?? null, INVALID_PARAMS_CODE, `Invalid params: ${problem}`)];
  });
  return { status: body.length === 0 ? 400 : 200, body: body.length === 0 ? [jsonRpcError(null, INVALID_PARAMS_CODE, `Invalid params: ${problems.find((p) => p !== undefined)!}`)] : body };
}

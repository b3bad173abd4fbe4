// Rewrites selected JSON-RPC messages in a Streamable HTTP response (plain JSON or SSE) before they leave.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { MessageRewriter } from '../core/gate.js';
import { rewriteJsonBody, rewriteSseEvent } from '../core/rewrite-messages.js';

type Mode = 'undecided' | 'json' | 'sse' | 'pass';
type Callback = (error?: Error | null) => void;

function headerValue(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    // Raw form: [k, v, k, v] or [[k, v], …].
    const flat = headers.flat() as unknown[];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      if (String(flat[i]).toLowerCase() === name) return String(flat[i + 1]);
    }
    return undefined;
  }
  if (headers !== null && typeof headers === 'object') {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name) return String(value);
    }
  }
  return undefined;
}

// The body changes length, so no Content-Length written by the transport may survive.
function withoutContentLength(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (arg === null || typeof arg !== 'object') return arg;
    if (Array.isArray(arg)) {
      const flat = arg.flat() as unknown[];
      const kept: unknown[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        if (String(flat[i]).toLowerCase() !== 'content-length') kept.push(flat[i], flat[i + 1]);
      }
      return kept;
    }
    const copy: OutgoingHttpHeaders = {};
    for (const [key, value] of Object.entries(arg as OutgoingHttpHeaders)) {
      if (key.toLowerCase() !== 'content-length') copy[key] = value;
    }
    return copy;
  });
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

/**
 * Wraps `res.writeHead/write/end` so that every JSON-RPC message the MCP transport sends in
 * this response passes through `rewrite`, in order. JSON answers are buffered whole (their
 * Content-Length is recomputed); SSE answers are rewritten event by event as they stream.
 * Other content types pass through untouched.
 *
 * @param res - the response the MCP transport is about to write
 * @param rewrite - async replacement of a message
 */
export function interceptJsonRpcResponses(res: ServerResponse, rewrite: MessageRewriter): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (chunk: unknown, callback?: Callback) => boolean;
  const end = res.end.bind(res) as (chunk?: unknown, callback?: () => void) => ServerResponse;
  const flushHeaders = res.flushHeaders.bind(res);
  let mode: Mode = 'undecided';
  let heldHead: unknown[] | undefined;
  const bodyChunks: Buffer[] = [];
  const decoder = new TextDecoder();
  let sseText = '';
  let queue: Promise<void> = Promise.resolve();

  function decideMode(contentType: string | undefined): void {
    if (mode !== 'undecided') return;
    const type = (contentType ?? '').toLowerCase();
    mode = type.includes('text/event-stream') ? 'sse' : type.includes('application/json') ? 'json' : 'pass';
    if (mode !== 'pass') res.removeHeader('content-length');
  }

  function currentType(): string | undefined {
    const value = res.getHeader('content-type');
    return value === undefined ? undefined : String(value);
  }

  function enqueue(step: () => Promise<void> | void): void {
    queue = queue.then(step).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  async function drainSse(final: boolean): Promise<void> {
    let boundary: number;
    while ((boundary = sseText.indexOf('\n\n')) !== -1) {
      const event = sseText.slice(0, boundary + 2);
      sseText = sseText.slice(boundary + 2);
      write(await rewriteSseEvent(event, rewrite));
    }
    if (final && sseText.length > 0) {
      write(sseText);
      sseText = '';
    }
  }

  function takeArgs(args: unknown[]): { chunk: unknown; encoding: unknown; callback: Callback | undefined } {
    const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as Callback) : undefined;
    return { chunk: typeof args[0] === 'function' ? undefined : args[0], encoding: args[1], callback };
  }

  res.writeHead = function interceptedWriteHead(this: ServerResponse, ...args: unknown[]) {
    const headers = typeof args[1] === 'string' ? args[2] : args[1];
    decideMode(headerValue(headers, 'content-type') ?? currentType());
    if (mode === 'pass') return writeHead(...args);
    if (mode === 'json') {
      heldHead = withoutContentLength(args);
      return res;
    }
    return writeHead(...withoutContentLength(args));
  } as ServerResponse['writeHead'];

  res.flushHeaders = function interceptedFlushHeaders() {
    if (mode !== 'json') flushHeaders();
  };

  res.write = function interceptedWrite(...args: unknown[]): boolean {
    decideMode(currentType());
    const { chunk, encoding, callback } = takeArgs(args);
    if (mode === 'pass') return write(chunk, callback);
    const buffer = toBuffer(chunk, encoding);
    if (mode === 'json') {
      bodyChunks.push(buffer);
      if (callback) process.nextTick(callback);
      return true;
    }
    enqueue(async () => {
      sseText += decoder.decode(buffer, { stream: true });
      await drainSse(false);
      callback?.();
    });
    return true;
  } as ServerResponse['write'];

  res.end = function interceptedEnd(...args: unknown[]): ServerResponse {
    decideMode(currentType());
    const { chunk, encoding, callback } = takeArgs(args);
    if (mode === 'pass') return end(chunk, callback);
    if (chunk !== undefined) bodyChunks.push(toBuffer(chunk, encoding));
    enqueue(async () => {
      if (mode === 'json') {
        const text = await rewriteJsonBody(Buffer.concat(bodyChunks).toString('utf8'), rewrite);
        // Node's implicit head goes through res.writeHead, which must no longer hold it back.
        res.writeHead = writeHead as ServerResponse['writeHead'];
        if (!res.headersSent) {
          res.setHeader('content-length', Buffer.byteLength(text));
          writeHead(...(heldHead ?? [res.statusCode]));
        }
        end(text, callback);
        return;
      }
      sseText += decoder.decode(Buffer.concat(bodyChunks));
      await drainSse(true);
      end(undefined, callback);
    });
    return res;
  } as ServerResponse['end'];
}

// Rewrites the JSON-RPC messages of an MCP answer body: a whole JSON body, or one SSE event at a time.
import type { MessageRewriter } from './gate.js';

/**
 * Rewrites one SSE event (text up to and including its blank line). Events that are not a
 * single `data:` line of JSON pass unchanged.
 *
 * @param event - the event's text
 * @param rewrite - the replacement of a message
 */
export async function rewriteSseEvent(event: string, rewrite: MessageRewriter): Promise<string> {
  const lines = event.split('\n');
  const dataLines = lines.filter((line) => line.startsWith('data:'));
  if (dataLines.length !== 1) return event;
  let message: unknown;
  try {
    message = JSON.parse(dataLines[0]!.slice(5));
  } catch {
    return event;
  }
  const replaced = await rewrite(message);
  if (replaced === undefined) return event;
  return lines.map((line) => (line.startsWith('data:') ? `data: ${JSON.stringify(replaced)}` : line)).join('\n');
}

/**
 * Rewrites a JSON body: one message or a batch, each through `rewrite`.
 *
 * @param text - the body
 * @param rewrite - the replacement of a message
 */
export async function rewriteJsonBody(text: string, rewrite: MessageRewriter): Promise<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (Array.isArray(parsed)) {
    const replaced = await Promise.all(parsed.map((message) => rewrite(message)));
    if (replaced.every((item) => item === undefined)) return text;
    return JSON.stringify(parsed.map((message, i) => replaced[i] ?? message));
  }
  const replaced = await rewrite(parsed);
  return replaced === undefined ? text : JSON.stringify(replaced);
}

/**
 * A stream transform that rewrites SSE events as they pass, in order. Text after the last
 * blank line is passed on when the stream ends.
 *
 * @param rewrite - the replacement of a message
 */
export function sseRewriteStream(rewrite: MessageRewriter): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  return new TransformStream({
    async transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = pending.indexOf('\n\n')) !== -1) {
        const event = pending.slice(0, boundary + 2);
        pending = pending.slice(boundary + 2);
        controller.enqueue(encoder.encode(await rewriteSseEvent(event, rewrite)));
      }
    },
    flush(controller) {
      pending += decoder.decode();
      if (pending.length > 0) controller.enqueue(encoder.encode(pending));
    },
  });
}

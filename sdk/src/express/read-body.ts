// Reads and parses a JSON request body when no body parser ran before the middleware.
import type { IncomingMessage } from 'node:http';

/** Body could not be read as JSON. */
export class BodyError extends Error {
  /** @param status - 400 (not JSON) or 413 (too large) */
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

/**
 * Reads the whole body (bounded) and parses it as JSON.
 *
 * @param req - incoming request whose stream has not been consumed
 * @param limitBytes - maximum accepted size
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyError(413, `request body exceeds ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'Parse error: Invalid JSON');
  }
}

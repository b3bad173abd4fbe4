// A lean reader for the common JSON request: `application/json` (UTF-8), no content-encoding, a
// declared length. It answers like body-parser's strict json parser (same error `type`s, so the same
// problems) at a fraction of its per-request cost; every other request goes through body-parser.
import type { IncomingMessage } from 'node:http';

/** An error shaped like body-parser's, so the error handler maps it to the same problem. */
function parserError(type: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { type, status, statusCode: status, expose: true });
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** body-parser's strict mode: the first non-whitespace character opens an object or an array. */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  let i = 0;
  while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
  if (text[i] !== '{' && text[i] !== '[') throw parserError('entity.parse.failed', 400, 'request body is not a JSON object or array');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw parserError('entity.parse.failed', 400, (err as Error).message);
  }
}

/**
 * The declared length when this reader can take the request: a live stream with a `content-length`
 * and neither `transfer-encoding` nor a `content-encoding` other than identity; undefined otherwise.
 */
export function leanJsonLength(req: IncomingMessage): number | undefined {
  const { headers } = req;
  const declared = headers['content-length'];
  if (declared === undefined || headers['transfer-encoding'] !== undefined) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (req.readableEnded || req.destroyed || req.readableFlowing !== null) return undefined;
  const length = Number(declared);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** The body as text, as body-parser decodes it: UTF-8, and a leading byte order mark dropped. */
function decode(buffer: Buffer): string {
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readByEvents(req: IncomingMessage, length: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (received !== length) {
        reject(parserError('request.size.invalid', 400, 'request size did not match content length'));
        return;
      }
      try {
        resolve(parseStrict(decode(Buffer.concat(chunks, received))));
      } catch (err) {
        reject(err as Error);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(parserError('request.aborted', 400, err.message));
    };
    const onClose = (): void => {
      cleanup();
      reject(parserError('request.aborted', 400, 'request aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Reads and parses the body; rejects with body-parser's error types (413 over `limit`, 400 otherwise). */
export async function readLeanJson(req: IncomingMessage, length: number, limit: number): Promise<unknown> {
  if (length > limit) {
    // Like body-parser: refuse without buffering, and answer once the request is drained so the
    // connection stays usable.
    return new Promise((_resolve, reject) => {
      const refuse = (): void => reject(parserError('entity.too.large', 413, 'request entity too large'));
      req.once('end', refuse);
      req.once('close', refuse);
      req.resume();
    });
  }
  // Routes run while node parses the request head; one microtask later the rest of the packet is
  // parsed too, so a small body usually sits whole in the stream's buffer (content-length framing:
  // no byte of the next request can be in it): take it in one read, then let the stream end.
  await undefined;
  if (req.readableFlowing === null && req.readableLength === length) {
    const buffer = req.read() as Buffer | null;
    req.resume();
    return parseStrict(buffer === null ? '' : decode(buffer));
  }
  return readByEvents(req, length);
}

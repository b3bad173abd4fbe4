// A raw HTTP/1.1 client over a TCP socket, so fuzz properties can send what well-behaved clients
// never do: wrong or doubled Content-Length, chunked framing, compressed or corrupt bodies, any header.
import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { WireRecipe } from './arbitraries.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  port: number;
  method?: string;
  path: string;
  headers: [string, string][];
  body: Buffer;
  /** Closes our side after writing (a body shorter than its declared length then ends early). */
  halfClose?: boolean;
  timeoutMs?: number;
}

function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < raw.length) {
    const eol = raw.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends one request on a fresh connection and reads the first response (the server closes after it). */
export function rawRequest(request: RawRequest): Promise<RawResponse> {
  const head = [`${request.method ?? 'POST'} ${request.path} HTTP/1.1`, `host: 127.0.0.1:${request.port}`, 'connection: close',
    ...request.headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(request.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within ${request.timeoutMs ?? 10_000} ms`));
    }, request.timeoutMs ?? 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error(`connection closed without a response (${raw.length} bytes)`));
        return;
      }
      const lines = raw.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = raw.subarray(split + 4);
      const body = headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest;
      resolve({ status, headers, body: body.toString('utf8') });
    });
    socket.write(`${head}\r\n\r\n`);
    socket.write(request.body);
    if (request.halfClose) socket.end();
  });
}

/** The request a wire recipe makes of a JSON value: its text edits, encoding and framing. */
export function wireRequest(port: number, path: string, value: unknown, wire: WireRecipe, authorization: string | undefined): RawRequest {
  const json = JSON.stringify(value) ?? 'null';
  let text = json;
  if (wire.text === 'bom') text = `\uFEFF${json}`;
  if (wire.text === 'truncated') text = json.slice(0, Math.floor(json.length / 2));
  if (wire.text === 'trailing_garbage') text = `${json}}x`;
  let body = Buffer.from(text, wire.text === 'latin1' ? 'latin1' : 'utf8');
  const headers: [string, string][] = [];
  if (wire.contentType !== undefined) headers.push(['content-type', wire.contentType]);
  if (authorization !== undefined) headers.push(['authorization', authorization]);
  switch (wire.encoding) {
    case 'none': break;
    case 'identity': headers.push(['content-encoding', 'identity']); break;
    case 'gzip': body = gzipSync(body); headers.push(['content-encoding', 'gzip']); break;
    case 'deflate': body = deflateSync(body); headers.push(['content-encoding', 'deflate']); break;
    case 'br': body = brotliCompressSync(body); headers.push(['content-encoding', 'br']); break;
    case 'gzip_corrupt': body = Buffer.concat([gzipSync(body).subarray(0, 12), Buffer.from('not gzip at all')]); headers.push(['content-encoding', 'gzip']); break;
    case 'unknown': headers.push(['content-encoding', 'x-unknown']); break;
  }
  let halfClose = false;
  switch (wire.length) {
    case 'exact': headers.push(['content-length', String(body.length)]); break;
    case 'chunked': {
      headers.push(['transfer-encoding', 'chunked']);
      body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from(body.length > 0 ? '\r\n0\r\n\r\n' : '\r\n')]);
      break;
    }
    case 'short': headers.push(['content-length', String(Math.max(0, body.length - 1))]); break;
    case 'long': headers.push(['content-length', String(body.length + 5)]); halfClose = true; break;
    case 'not_a_number': headers.push(['content-length', 'twelve']); break;
    case 'negative': headers.push(['content-length', '-1']); break;
    case 'twice': headers.push(['content-length', String(body.length)], ['content-length', String(body.length + 1)]); break;
  }
  return { port, path, headers, body, halfClose };
}

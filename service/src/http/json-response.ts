// Writes a 200 JSON API response straight to node's response: the bytes and headers express's
// res.json() would send for it (no ETag, as the app disables them), without its generic send path.
import type { Response } from 'express';

/** Sends `body` as `application/json` with `cache-control: no-store`. */
export function sendNoStoreJson(res: Response, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = 200;
  res.setHeader('cache-control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

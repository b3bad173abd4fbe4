// Writes a 200 JSON API response straight to node's response: the bytes and headers express's
// res.json() would send for it (no ETag, as the app disables them), without its generic send path.
import type { ServerResponse } from 'node:http';

/** Sends `body` as `application/json` with `cache-control: no-store`. */
export function sendNoStoreJson(res: ServerResponse, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = 200;
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(json);
}

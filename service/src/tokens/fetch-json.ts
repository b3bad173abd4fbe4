// Fetches a small JSON document (metadata, JWKS, introspection answers) with a timeout, a size cap
// and no redirects, so a slow or hostile endpoint cannot hold a request or exhaust memory.
import { AuthzServiceError } from '../errors/index.js';

export interface FetchJsonOptions {
  timeoutMs: number;
  maxBytes?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** The fetch implementation the token code uses; tests and adapters may pass their own. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const DEFAULT_MAX_BYTES = 512 * 1024;

export class FetchJsonError extends AuthzServiceError<'ERR_FETCH_JSON'> {
  readonly code = 'ERR_FETCH_JSON';
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new FetchJsonError(`response larger than ${maxBytes} bytes`);
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchJsonError(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GETs or POSTs and parses a JSON object; any other outcome is a FetchJsonError. */
export async function fetchJson(url: string, options: FetchJsonOptions, fetchImpl: FetchLike = fetch): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: options.method ?? 'GET',
      headers: { accept: 'application/json', ...options.headers },
      body: options.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw new FetchJsonError(`request to ${url} failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`, { cause: err });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new FetchJsonError(`${url} answered HTTP ${res.status}`);
  }
  const text = await readCapped(res, options.maxBytes ?? DEFAULT_MAX_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FetchJsonError(`${url} did not answer JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FetchJsonError(`${url} did not answer a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

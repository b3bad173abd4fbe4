// HTTP POST sink: a JSON array of records per delivery; any non-2xx answer fails it (and it is retried).
import { AuthzServiceError } from '../../errors/index.js';
import type { DecisionLogSink } from '../types.js';

export interface HttpSinkOptions {
  name?: string;
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class HttpSinkError extends AuthzServiceError<'decision_log_http_error'> {
  readonly code = 'decision_log_http_error';
  constructor(message: string) {
    super(message);
    this.name = 'HttpSinkError';
  }
}

export function createHttpSink(options: HttpSinkOptions): DecisionLogSink {
  return {
    name: options.name ?? 'http',
    async deliver(records) {
      let res: Response;
      try {
        res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
          body: JSON.stringify(records),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (e) {
        throw new HttpSinkError(`POST failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new HttpSinkError(`POST answered ${res.status}`);
    },
  };
}

// Polls a bundle server the way OPA's bundle plugin does: GET with If-None-Match, 304 keeps what is
// served; a new archive is written atomically beside the last one and handed to reload.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { noopMetrics, silentLogger, type Logger, type MetricsHooks } from '../hooks/index.js';

export type BundlePollResult = 'updated' | 'not_modified' | 'error';

export interface BundlePollerOptions {
  url: string;
  /** Where the archive is written (the bundle loader reads it from there). */
  target: string;
  intervalMs: number;
  /** Called after a new archive was written; reload verifies it and keeps the last good one on refusal. */
  onUpdate: () => Promise<unknown>;
  timeoutMs?: number;
  /** Larger answers are refused before they are read whole. */
  maxBytes?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
}

export interface BundlePoller {
  /** Polls once now (polls never overlap). */
  poll(): Promise<BundlePollResult>;
  /** First poll (awaited, never rejects), then one every interval. */
  start(): Promise<void>;
  stop(): void;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

async function readLimited(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new Error(`the bundle is ${declared} bytes, over the ${maxBytes} byte limit`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`the bundle is over the ${maxBytes} byte limit`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export function createBundlePoller(options: BundlePollerOptions): BundlePoller {
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let etag: string | undefined;
  let running: Promise<BundlePollResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  async function pollOnce(): Promise<BundlePollResult> {
    try {
      const res = await fetch(options.url, {
        headers: { accept: 'application/gzip, application/octet-stream', ...(etag !== undefined ? { 'if-none-match': etag } : {}) },
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (res.status === 304) {
        await res.body?.cancel();
        metrics.increment('mcp_authz_policy_bundle_fetches_total', { result: 'not_modified' });
        failing = false;
        return 'not_modified';
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`the bundle server answered ${res.status}`);
      }
      const archive = await readLimited(res, maxBytes);
      await mkdir(dirname(options.target), { recursive: true });
      const tmp = `${options.target}.${process.pid}.tmp`;
      await writeFile(tmp, archive);
      await rename(tmp, options.target);
      // Remembered only once the archive is in place: a failed write is fetched again.
      etag = res.headers.get('etag') ?? undefined;
      metrics.increment('mcp_authz_policy_bundle_fetches_total', { result: 'updated' });
      failing = false;
      await options.onUpdate();
      return 'updated';
    } catch (e) {
      metrics.increment('mcp_authz_policy_bundle_fetches_total', { result: 'error' });
      // Once per outage; the served revision stays as it is.
      if (!failing) logger.warn({ code: 'bundle_fetch_error', err: e instanceof Error ? e.message : String(e) }, 'policy bundle download failed; serving the last good revision');
      failing = true;
      return 'error';
    }
  }

  const poll = (): Promise<BundlePollResult> => (running ??= pollOnce().finally(() => (running = undefined)));

  return {
    poll,
    async start() {
      await poll();
      timer = setInterval(() => void poll(), options.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

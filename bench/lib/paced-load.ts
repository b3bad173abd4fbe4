// Open-loop load at a fixed rate: request i is due at start + i/rate whatever earlier responses do,
// and its latency runs from that due time to the end of its response, so a stall on either side is
// charged to every request it delays (no coordinated omission, no per-second bursts).
import { Agent, request } from 'node:http';
import { quantile } from './stats.js';

export interface PacedLoadOptions {
  url: string;
  rate: number;
  seconds: number;
  headers: Record<string, string>;
  /** The body of request i. */
  body(i: number): string;
  /** Upper bound on open connections (requests beyond it wait for a free one, and that wait counts). */
  maxSockets?: number;
}

export interface PacedLoadResult {
  sent: number;
  ok: number;
  errors: number;
  /** Achieved rate of completed requests over the run. */
  rps: number;
  /** Latency from due time to response end, milliseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** How late the generator itself sent requests (its timer), milliseconds: part of the latency above. */
  lateP99: number;
}

export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const late: number[] = [];
  let errors = 0;
  let done = 0;
  let next = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const finish = (due: number, ok: boolean): void => {
      if (ok) latencies.push(performance.now() - due);
      else errors += 1;
      done += 1;
      if (done === total) resolve();
    };
    const send = (i: number): void => {
      const due = start + i * interval;
      late.push(performance.now() - due);
      const payload = options.body(i);
      const req = request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { ...options.headers, 'content-length': Buffer.byteLength(payload) },
      }, (res) => {
        res.resume();
        res.once('end', () => finish(due, res.statusCode !== undefined && res.statusCode < 300));
      });
      req.once('error', () => finish(due, false));
      req.end(payload);
    };
    // Timers wake about once a millisecond; each wake-up sends every request that has come due.
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    sent: total,
    ok: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    p999: quantile(latencies, 0.999),
    max: quantile(latencies, 1),
    lateP99: quantile(late, 0.99),
  };
}

// Throttles repeated failed caller authentication per client (fixed window), in process. The
// service wraps it in the shared throttle (shared-failure-throttle.ts) to count across replicas.

export interface AuthFailureThrottle {
  /** Seconds until `key` may try again; 0 when it is not throttled. */
  retryAfter(key: string): number;
  recordFailure(key: string): void;
}

export interface FailureThrottleOptions {
  maxFailures: number;
  windowSeconds: number;
  now?: () => number;
  /** Bound on tracked clients, so a spray of addresses cannot grow memory without end. */
  maxKeys?: number;
}

export function createMemoryFailureThrottle(options: FailureThrottleOptions): AuthFailureThrottle {
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { start: number; failures: number }>();

  const current = (key: string): { start: number; failures: number } | undefined => {
    const w = windows.get(key);
    if (w !== undefined && now() - w.start >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };

  return {
    retryAfter(key) {
      const w = current(key);
      if (w === undefined || w.failures < options.maxFailures) return 0;
      return Math.max(1, Math.ceil((w.start + windowMs - now()) / 1000));
    },
    recordFailure(key) {
      const w = current(key);
      if (w !== undefined) {
        w.failures += 1;
        return;
      }
      if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
      windows.set(key, { start: now(), failures: 1 });
    },
  };
}

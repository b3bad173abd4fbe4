// Throttles failed caller authentication per (client address, claimed caller id) and per caller id.
// It never refuses credentials: they are verified first, and it only decides whether a failure is
// answered 429 rather than 401, so no one's failures (nor a forged X-Forwarded-For) can lock out a
// caller whose secret is right.
import type { SharedStore } from '../store/index.js';
import { createSharedFailureThrottle } from './shared-failure-throttle.js';

/** A failed authentication: where it came from and which registered caller it named, if any. */
export interface FailedAttempt {
  address: string;
  /** Undefined for API keys (which name no caller), malformed credentials and unknown ids. */
  callerId: string | undefined;
}

export interface CallerFailureThrottle {
  /** Seconds until failures like this one stop being answered 429; 0 when a 401 is the answer. */
  retryAfter(attempt: FailedAttempt): number;
  recordFailure(attempt: FailedAttempt): void;
  /** Subscribes to blocks announced by other replicas. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface CallerFailureThrottleOptions {
  store: SharedStore;
  /** Failures per (address, caller id) in a window. */
  maxFailures: number;
  /** Failures per caller id from all addresses in a window (a spray from many addresses). */
  maxFailuresPerCaller: number;
  windowSeconds: number;
  now?: () => number;
}

// Attempts that name no registered caller share one bucket: ids an attacker makes up cannot grow
// the number of keys, nor evict the keys of real callers.
const NO_CALLER = '?';

export function createCallerFailureThrottle(options: CallerFailureThrottleOptions): CallerFailureThrottle {
  const common = { store: options.store, windowSeconds: options.windowSeconds, ...(options.now ? { now: options.now } : {}) };
  const byPair = createSharedFailureThrottle({ ...common, maxFailures: options.maxFailures, scope: 'pair' });
  const byCaller = createSharedFailureThrottle({ ...common, maxFailures: options.maxFailuresPerCaller, scope: 'caller' });
  // Caller ids cannot hold `|` (config pattern), so the pair key is unambiguous.
  const pairKey = (a: FailedAttempt): string => `${a.callerId ?? NO_CALLER}|${a.address}`;
  const callerKey = (a: FailedAttempt): string => a.callerId ?? NO_CALLER;

  return {
    retryAfter(attempt) {
      return Math.max(byPair.retryAfter(pairKey(attempt)), byCaller.retryAfter(callerKey(attempt)));
    },
    recordFailure(attempt) {
      byPair.recordFailure(pairKey(attempt));
      byCaller.recordFailure(callerKey(attempt));
    },
    async start() {
      await Promise.all([byPair.start(), byCaller.start()]);
    },
    async close() {
      await Promise.all([byPair.close(), byCaller.close()]);
    },
  };
}

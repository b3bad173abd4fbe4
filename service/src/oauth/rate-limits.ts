// Fixed-window request limits and login backoff, counted in the shared store so every replica sees
// the same numbers. A store outage lets requests through (logged): limits must not become an outage.
import { createHash } from 'node:crypto';
import type { RateWindow } from '../config/oauth.js';
import type { SharedStore } from '../store/index.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the caller may try again (0 when allowed). */
  retryAfter: number;
}

export interface RateLimiter {
  /** Counts one request of `id` in `bucket`. */
  hit(bucket: string, id: string, limit: RateWindow): Promise<RateDecision>;
}

/** Keys never hold the raw identifier (usernames, addresses). */
export function limitKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 32);
}

export function createRateLimiter(store: SharedStore, onError: (err: unknown) => void, now: () => number = Date.now): RateLimiter {
  return {
    async hit(bucket, id, limit) {
      const windowMs = limit.window_seconds * 1000;
      const index = Math.floor(now() / windowMs);
      try {
        const n = await store.incr(`oauth:rl:${bucket}:${limitKey(id)}:${index}`, windowMs);
        if (n <= limit.max) return { allowed: true, retryAfter: 0 };
        return { allowed: false, retryAfter: Math.max(1, Math.ceil(((index + 1) * windowMs - now()) / 1000)) };
      } catch (err) {
        onError(err);
        return { allowed: true, retryAfter: 0 };
      }
    },
  };
}

export interface LoginBackoffOptions {
  store: SharedStore;
  baseSeconds: number;
  maxSeconds: number;
  /** How long failures are remembered. */
  windowSeconds: number;
  onError: (err: unknown) => void;
  now?: () => number;
}

/**
 * Exponential backoff after failed logins, per subject (an account, a client address): after the
 * n-th failure in the window the subject waits base·2^(n-1) seconds, at most max. Never a lockout.
 */
export interface LoginBackoff {
  /** Seconds the longest-waiting subject must still wait (0: go ahead). */
  wait(subjects: string[]): Promise<number>;
  failed(subjects: string[]): Promise<void>;
  succeeded(subjects: string[]): Promise<void>;
}

export function createLoginBackoff(options: LoginBackoffOptions): LoginBackoff {
  const { store } = options;
  const now = options.now ?? Date.now;
  const countKey = (s: string): string => `oauth:bo:n:${limitKey(s)}`;
  const untilKey = (s: string): string => `oauth:bo:until:${limitKey(s)}`;
  return {
    async wait(subjects) {
      try {
        const until = await Promise.all(subjects.map((s) => store.get(untilKey(s))));
        const latest = Math.max(0, ...until.map((u) => (u === undefined ? 0 : Number(u))));
        return Math.max(0, Math.ceil((latest - now()) / 1000));
      } catch (err) {
        options.onError(err);
        return 0;
      }
    },
    async failed(subjects) {
      try {
        await Promise.all(subjects.map(async (s) => {
          const n = await store.incr(countKey(s), options.windowSeconds * 1000);
          const seconds = Math.min(options.maxSeconds, options.baseSeconds * 2 ** Math.min(n - 1, 30));
          await store.set(untilKey(s), String(now() + seconds * 1000), seconds * 1000);
        }));
      } catch (err) {
        options.onError(err);
      }
    },
    async succeeded(subjects) {
      try {
        await Promise.all(subjects.flatMap((s) => [store.del(countKey(s)), store.del(untilKey(s))]));
      } catch (err) {
        options.onError(err);
      }
    },
  };
}

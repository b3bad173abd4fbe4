// The caller-failure throttle across replicas: each replica counts failures locally (the check on
// every request stays in process), adds them to a shared fixed-window counter, and the replica that
// sees the shared count reach the limit announces the block over pub/sub so every replica refuses
// that client until the window ends. The shared store never fails a request: on errors the local
// throttle alone applies.
import type { SharedStore } from '../store/index.js';
import { createMemoryFailureThrottle, type AuthFailureThrottle, type FailureThrottleOptions } from './failure-throttle.js';

export interface SharedFailureThrottleOptions extends FailureThrottleOptions {
  store: SharedStore;
  /** Names this throttle's counters and channel, so throttles with other limits stay apart. */
  scope?: string;
}

export interface SharedFailureThrottle extends AuthFailureThrottle {
  /** Subscribes to blocks announced by other replicas. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createSharedFailureThrottle(options: SharedFailureThrottleOptions): SharedFailureThrottle {
  const CHANNEL = options.scope === undefined ? 'auth-throttle' : `auth-throttle:${options.scope}`;
  const KEY = `${CHANNEL}:`;
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  const maxKeys = options.maxKeys ?? 100_000;
  const local = createMemoryFailureThrottle(options);
  // Client → end of its block (ms), as announced by any replica, this one included.
  const blocked = new Map<string, number>();
  let unsubscribe: (() => Promise<void>) | undefined;

  function block(client: string, until: number): void {
    if (until <= now()) return;
    blocked.delete(client);
    if (blocked.size >= maxKeys) blocked.delete(blocked.keys().next().value as string);
    blocked.set(client, until);
  }

  async function count(client: string): Promise<void> {
    const { store } = options;
    if (!store.healthy()) return;
    const failures = await store.incr(KEY + client, windowMs);
    if (failures !== options.maxFailures) return;
    // Only the failure that reaches the limit announces it: one message per block.
    const until = now() + windowMs;
    block(client, until);
    await store.publish(CHANNEL, JSON.stringify({ c: client, u: until }));
  }

  function onMessage(message: string): void {
    try {
      const m = JSON.parse(message) as { c?: unknown; u?: unknown };
      if (typeof m.c === 'string' && typeof m.u === 'number') block(m.c, Math.min(m.u, now() + windowMs));
    } catch {
      // Not ours: ignored.
    }
  }

  return {
    retryAfter(client) {
      const own = local.retryAfter(client);
      const until = blocked.get(client);
      if (until === undefined) return own;
      if (until <= now()) {
        blocked.delete(client);
        return own;
      }
      return Math.max(own, Math.ceil((until - now()) / 1000));
    },
    recordFailure(client) {
      local.recordFailure(client);
      count(client).catch(() => undefined);
    },
    async start() {
      if (options.store.kind === 'memory') return;
      unsubscribe = await options.store.subscribe(CHANNEL, onMessage).catch(() => undefined);
    },
    async close() {
      await unsubscribe?.().catch(() => undefined);
      unsubscribe = undefined;
    },
  };
}

// The caller-failure throttle: failures count per (address, caller id) and per caller id, each with
// its own limit, in process and across replicas on real Redis.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCallerFailureThrottle, type CallerFailureThrottle } from '../../service/src/callers/index.js';
import { createMemoryStore, createRedisStore, type RedisStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, testPrefix } from '../store/redis-helpers.js';

const prefix = testPrefix('caller-throttle');
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

const at = (address: string, callerId?: string) => ({ address, callerId });

test('an (address, caller) pair and a caller id have their own limits; unknown callers share one bucket', () => {
  let now = 0;
  const throttle = createCallerFailureThrottle({ store: createMemoryStore(), maxFailures: 2, maxFailuresPerCaller: 3, windowSeconds: 10, now: () => now });
  throttle.recordFailure(at('192.0.2.1', 'rs'));
  throttle.recordFailure(at('192.0.2.1', 'rs'));
  assert.equal(throttle.retryAfter(at('192.0.2.1', 'rs')), 10);
  assert.equal(throttle.retryAfter(at('192.0.2.1', 'other')), 0, 'another caller from the same address');
  assert.equal(throttle.retryAfter(at('192.0.2.2', 'rs')), 0, 'the same caller from another address');
  throttle.recordFailure(at('192.0.2.2', 'rs'));
  assert.equal(throttle.retryAfter(at('192.0.2.3', 'rs')), 10, 'the third failure for rs from anywhere reaches the per-caller limit');
  assert.equal(throttle.retryAfter(at('192.0.2.3', 'other')), 0);
  throttle.recordFailure(at('192.0.2.9'));
  throttle.recordFailure(at('192.0.2.9'));
  assert.equal(throttle.retryAfter(at('192.0.2.9')), 10);
  assert.equal(throttle.retryAfter(at('192.0.2.9', 'other')), 0);
  now = 10_000;
  assert.equal(throttle.retryAfter(at('192.0.2.1', 'rs')), 0, 'the window ends');
});

interface Replica {
  store: RedisStore;
  throttle: CallerFailureThrottle;
}

async function replica(keyPrefix: string): Promise<Replica> {
  const store = createRedisStore({ url: SHARED_REDIS_URL, prefix: keyPrefix });
  await store.waitReady(5000);
  const throttle = createCallerFailureThrottle({ store, maxFailures: 2, maxFailuresPerCaller: 4, windowSeconds: 60 });
  await throttle.start();
  return { store, throttle };
}

test('across replicas, both limits add up on Redis and the blocks reach every replica', async () => {
  const a = await replica(`${prefix}sum:`);
  const b = await replica(`${prefix}sum:`);
  try {
    a.throttle.recordFailure(at('203.0.113.7', 'rs'));
    b.throttle.recordFailure(at('203.0.113.7', 'rs'));
    await eventually(() => a.throttle.retryAfter(at('203.0.113.7', 'rs')) > 0 && b.throttle.retryAfter(at('203.0.113.7', 'rs')) > 0, 'the pair is blocked on both');
    assert.equal(a.throttle.retryAfter(at('203.0.113.8', 'rs')), 0, 'the caller from another address is not');
    // Two more failures for `rs`, one per replica from new addresses: four for the caller in all.
    a.throttle.recordFailure(at('203.0.113.8', 'rs'));
    b.throttle.recordFailure(at('203.0.113.9', 'rs'));
    await eventually(() => a.throttle.retryAfter(at('198.51.100.1', 'rs')) > 0 && b.throttle.retryAfter(at('198.51.100.1', 'rs')) > 0, 'the caller is blocked on both');
    assert.equal(a.throttle.retryAfter(at('198.51.100.1', 'other')), 0);
  } finally {
    for (const r of [a, b]) {
      await r.throttle.close();
      await r.store.close();
    }
  }
});

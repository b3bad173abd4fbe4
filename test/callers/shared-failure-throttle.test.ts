// The caller-failure throttle across replicas, on real Redis: failures counted on any replica add up,
// the block reaches every replica, and a Redis that is down leaves each replica its local throttle.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSharedFailureThrottle, type SharedFailureThrottle } from '../../service/src/callers/index.js';
import { createMemoryStore, createRedisStore, type RedisStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, startPrivateRedis, testPrefix } from '../store/redis-helpers.js';

const prefix = testPrefix('auth-throttle');
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

interface Replica {
  store: RedisStore;
  throttle: SharedFailureThrottle;
}

async function replica(url: string, keyPrefix: string, maxFailures = 4): Promise<Replica> {
  const store = createRedisStore({ url, prefix: keyPrefix });
  await store.waitReady(5000);
  const throttle = createSharedFailureThrottle({ store, maxFailures, windowSeconds: 60 });
  await throttle.start();
  return { store, throttle };
}

async function stop(...replicas: Replica[]): Promise<void> {
  for (const r of replicas) {
    await r.throttle.close();
    await r.store.close();
  }
}

test('failures on two replicas add up, and the block reaches both', async () => {
  const a = await replica(SHARED_REDIS_URL, `${prefix}sum:`);
  const b = await replica(SHARED_REDIS_URL, `${prefix}sum:`);
  try {
    a.throttle.recordFailure('203.0.113.7');
    b.throttle.recordFailure('203.0.113.7');
    a.throttle.recordFailure('203.0.113.7');
    // Three failures in all: neither replica alone, nor the shared count, has reached four.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(a.throttle.retryAfter('203.0.113.7'), 0);
    assert.equal(b.throttle.retryAfter('203.0.113.7'), 0);
    b.throttle.recordFailure('203.0.113.7');
    await eventually(() => a.throttle.retryAfter('203.0.113.7') > 0 && b.throttle.retryAfter('203.0.113.7') > 0, 'both replicas block the client');
    assert.ok(a.throttle.retryAfter('203.0.113.7') <= 60);
    // Another client is untouched.
    assert.equal(a.throttle.retryAfter('198.51.100.9'), 0);
  } finally {
    await stop(a, b);
  }
});

test('a replica that starts later learns nothing old, but counts on from the shared window', async () => {
  const a = await replica(SHARED_REDIS_URL, `${prefix}late:`, 3);
  try {
    a.throttle.recordFailure('192.0.2.1');
    a.throttle.recordFailure('192.0.2.1');
    await new Promise((r) => setTimeout(r, 100));
    const b = await replica(SHARED_REDIS_URL, `${prefix}late:`, 3);
    try {
      assert.equal(b.throttle.retryAfter('192.0.2.1'), 0);
      b.throttle.recordFailure('192.0.2.1');
      await eventually(() => a.throttle.retryAfter('192.0.2.1') > 0 && b.throttle.retryAfter('192.0.2.1') > 0, 'the third failure blocks everywhere');
    } finally {
      await stop(b);
    }
  } finally {
    await stop(a);
  }
});

test('with Redis down each replica still throttles on its own count', async () => {
  const redis = await startPrivateRedis();
  const a = await replica(redis.url, `${prefix}down:`, 2);
  try {
    await redis.stop();
    await eventually(() => !a.store.healthy(), 'the store notices Redis is gone');
    a.throttle.recordFailure('192.0.2.50');
    assert.equal(a.throttle.retryAfter('192.0.2.50'), 0);
    a.throttle.recordFailure('192.0.2.50');
    assert.ok(a.throttle.retryAfter('192.0.2.50') > 0);
  } finally {
    await stop(a);
    await redis.stop();
  }
});

test('over the in-process store it is the local throttle', async () => {
  const throttle = createSharedFailureThrottle({ store: createMemoryStore(), maxFailures: 2, windowSeconds: 60 });
  await throttle.start();
  throttle.recordFailure('192.0.2.9');
  assert.equal(throttle.retryAfter('192.0.2.9'), 0);
  throttle.recordFailure('192.0.2.9');
  assert.ok(throttle.retryAfter('192.0.2.9') > 0);
  await throttle.close();
});

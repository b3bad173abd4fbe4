// The Redis adapter when its server dies and comes back: fast failures, health flag, resubscription.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisStore } from '../../service/src/store/index.js';
import { eventually, startPrivateRedis, testPrefix } from './redis-helpers.js';

test('a dead Redis rejects commands at once, reports unhealthy, and recovers with subscriptions', async () => {
  const redis = await startPrivateRedis();
  const store = createRedisStore({ url: redis.url, prefix: testPrefix('store-death') });
  try {
    assert.equal(await store.waitReady(5000), true);
    const changes: boolean[] = [];
    store.onHealthChange((h) => changes.push(h));
    const got: string[] = [];
    await store.subscribe('events', (m) => got.push(m));

    await redis.stop();
    await eventually(() => !store.healthy(), 'store notices the outage');
    await assert.rejects(store.get('k'));
    await assert.rejects(store.set('k', 'v', 1000));

    await redis.start();
    assert.equal(await store.waitReady(10_000), true);
    await store.set('k', 'v', 60_000);
    assert.equal(await store.get('k'), 'v');
    assert.deepEqual(changes.slice(0, 2), [false, true]);
    await eventually(async () => {
      await store.publish('events', 'after-restart');
      return got.includes('after-restart');
    }, 'subscription restored after reconnect');
  } finally {
    await store.close();
    await redis.stop();
  }
});

test('unsubscribing while Redis is down returns promptly (shutdown is never held by it)', async () => {
  const redis = await startPrivateRedis();
  const store = createRedisStore({ url: redis.url, prefix: testPrefix('unsubscribe-down') });
  try {
    assert.equal(await store.waitReady(5000), true);
    const unsubscribe = await store.subscribe('news', () => undefined);
    await redis.stop();
    await eventually(() => !store.healthy(), 'store sees the outage');
    const started = Date.now();
    await unsubscribe();
    assert.ok(Date.now() - started < 5000, `unsubscribe took ${Date.now() - started} ms`);
  } finally {
    await store.close();
    await redis.stop();
  }
});

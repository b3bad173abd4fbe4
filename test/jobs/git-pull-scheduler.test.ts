// The policy git pull schedule: a BullMQ job scheduler on real Redis (per-run prefix), the timer
// fallback without Redis, and a start that does not wait for a Redis that is down.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startGitPullScheduler } from '../../service/src/jobs/index.js';
import { deleteKeys, eventually, SHARED_REDIS_URL, startPrivateRedis, testPrefix } from '../store/redis-helpers.js';

const prefix = testPrefix('git-pull-scheduler');
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

describe('git pull scheduler', () => {
  test('the BullMQ job scheduler runs the pull on its interval, and a failing pull does not stop it', async () => {
    let pulls = 0;
    const scheduler = await startGitPullScheduler({
      redisUrl: SHARED_REDIS_URL,
      prefix: `${prefix}bull`,
      intervalMs: 100,
      pull: async () => {
        pulls++;
        if (pulls === 2) throw new Error('remote unreachable');
      },
    });
    try {
      await eventually(() => pulls >= 4, 'four scheduled pulls (one of them failing)');
      // The schedule is a BullMQ job scheduler, stored under this run's prefix.
      const r = new Redis(SHARED_REDIS_URL);
      try {
        const keys = await r.keys(`${prefix}bull:policy-git:*`);
        assert.ok(keys.some((k) => k.endsWith(':repeat')), `job scheduler keys: ${keys.join(', ')}`);
      } finally {
        r.disconnect();
      }
    } finally {
      await scheduler.stop();
    }
    const stopped = pulls;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pulls, stopped, 'no pulls after stop');
  });

  test('without Redis a timer runs the pull, one at a time, and stop waits for the running one', async () => {
    let pulls = 0;
    let running = 0;
    let overlapped = false;
    let finished = 0;
    const scheduler = await startGitPullScheduler({
      intervalMs: 20,
      pull: async () => {
        pulls++;
        running++;
        if (running > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 60));
        running--;
        finished++;
      },
    });
    await eventually(() => pulls >= 3, 'three timer pulls');
    await scheduler.stop();
    assert.equal(overlapped, false);
    assert.equal(finished, pulls, 'stop resolved after the running pull finished');
  });

  test('start does not wait for a Redis that is down; pulls begin once it is up', async () => {
    const redis = await startPrivateRedis();
    await redis.stop();
    let pulls = 0;
    const scheduler = await startGitPullScheduler({
      redisUrl: redis.url,
      prefix: `${prefix}private:bull`,
      intervalMs: 100,
      pull: async () => {
        pulls++;
      },
    });
    try {
      assert.equal(pulls, 0);
      await redis.start();
      await eventually(() => pulls >= 2, 'pulls after Redis came up', 20_000);
    } finally {
      await scheduler.stop();
      await redis.stop();
    }
  });
});

// Shared rate limits and login backoff over the store, with an injected clock (no waiting).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoginBackoff, createRateLimiter } from '../../service/src/oauth/index.js';
import { createMemoryStore } from '../../service/src/store/index.js';

function clock() {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('fixed-window rate limit', () => {
  test('allows max requests per window, then answers with the seconds left', async () => {
    const c = clock();
    const limiter = createRateLimiter(createMemoryStore({ now: c.now }), () => undefined, c.now);
    const limit = { max: 3, window_seconds: 60 };
    for (let i = 0; i < 3; i++) assert.equal((await limiter.hit('token', '203.0.113.7', limit)).allowed, true);
    const refused = await limiter.hit('token', '203.0.113.7', limit);
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfter >= 1 && refused.retryAfter <= 60);
    assert.equal((await limiter.hit('token', '203.0.113.8', limit)).allowed, true, 'other addresses have their own count');
    c.advance(60_000);
    assert.equal((await limiter.hit('token', '203.0.113.7', limit)).allowed, true, 'a new window starts over');
  });

  test('a failing store lets requests through and reports the error', async () => {
    const errors: unknown[] = [];
    const store = { ...createMemoryStore(), incr: async () => { throw new Error('down'); } };
    const limiter = createRateLimiter(store, (e) => errors.push(e));
    assert.equal((await limiter.hit('login', 'x', { max: 1, window_seconds: 1 })).allowed, true);
    assert.equal(errors.length, 1);
  });
});

describe('login backoff', () => {
  test('waits double after each failure, capped, and never locks out for good', async () => {
    const c = clock();
    const backoff = createLoginBackoff({ store: createMemoryStore({ now: c.now }), baseSeconds: 1, maxSeconds: 8, windowSeconds: 900, onError: () => undefined, now: c.now });
    const who = ['account:alice', 'ip:203.0.113.7'];
    assert.equal(await backoff.wait(who), 0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await backoff.failed(who);
      waits.push(await backoff.wait(who));
      c.advance(waits.at(-1)! * 1000);
      assert.equal(await backoff.wait(who), 0, 'after waiting, the next attempt may go ahead');
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 8]);
  });

  test('per account and per address: another account from another address is not slowed', async () => {
    const c = clock();
    const backoff = createLoginBackoff({ store: createMemoryStore({ now: c.now }), baseSeconds: 1, maxSeconds: 60, windowSeconds: 900, onError: () => undefined, now: c.now });
    await backoff.failed(['account:alice', 'ip:198.51.100.1']);
    assert.ok((await backoff.wait(['account:alice', 'ip:203.0.113.9'])) > 0, 'the account is slowed from any address');
    assert.ok((await backoff.wait(['account:bob', 'ip:198.51.100.1'])) > 0, 'the address is slowed for any account');
    assert.equal(await backoff.wait(['account:bob', 'ip:203.0.113.9']), 0);
  });

  test('a success clears the account', async () => {
    const c = clock();
    const backoff = createLoginBackoff({ store: createMemoryStore({ now: c.now }), baseSeconds: 1, maxSeconds: 60, windowSeconds: 900, onError: () => undefined, now: c.now });
    await backoff.failed(['account:alice']);
    await backoff.succeeded(['account:alice']);
    assert.equal(await backoff.wait(['account:alice']), 0);
  });
});

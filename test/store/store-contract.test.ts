// The SharedStore contract, run against the memory adapter and a real Redis.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore, createRedisStore, type SharedStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, testPrefix } from './redis-helpers.js';

const prefix = testPrefix('store');
const adapters: Array<[string, () => Promise<SharedStore>]> = [
  ['memory', async () => createMemoryStore()],
  [
    'redis',
    async () => {
      const s = createRedisStore({ url: SHARED_REDIS_URL, prefix });
      assert.equal(await s.waitReady(5000), true);
      return s;
    },
  ],
];

after(() => deleteKeys(SHARED_REDIS_URL, prefix));

for (const [name, make] of adapters) {
  describe(`SharedStore (${name})`, () => {
    test('get/set/del with TTL', async () => {
      const s = await make();
      assert.equal(await s.get('missing'), undefined);
      await s.set('a', 'one', 60_000);
      assert.equal(await s.get('a'), 'one');
      await s.set('short', 'x', 30);
      await eventually(async () => (await s.get('short')) === undefined, 'short key expires');
      await s.del('a');
      assert.equal(await s.get('a'), undefined);
      await s.close();
    });

    test('incr counts within a fixed window', async () => {
      const s = await make();
      assert.equal(await s.incr('c', 60_000), 1);
      assert.equal(await s.incr('c', 60_000), 2);
      assert.equal(await s.incr('w', 30), 1);
      await eventually(async () => (await s.get('w')) === undefined, 'window expires');
      assert.equal(await s.incr('w', 60_000), 1);
      await s.close();
    });

    test('sorted sets: add, range, remove by score', async () => {
      const s = await make();
      await s.zadd('z', 3, 'c');
      await s.zadd('z', 1, 'a');
      await s.zadd('z', 2, 'b');
      await s.expire('z', 60_000);
      assert.deepEqual((await s.zrangeByScore('z', 2, Number.POSITIVE_INFINITY)).map((m) => m.member), ['b', 'c']);
      assert.equal(await s.zremRangeByScore('z', Number.NEGATIVE_INFINITY, 2), 2);
      assert.deepEqual(await s.zrangeByScore('z', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY), [{ member: 'c', score: 3 }]);
      await s.close();
    });

    test('pub/sub delivers to subscribers until they unsubscribe', async () => {
      const s = await make();
      const got: string[] = [];
      const off = await s.subscribe('chan', (m) => got.push(m));
      await s.publish('chan', 'hello');
      await eventually(() => got.length === 1, 'message delivered');
      assert.deepEqual(got, ['hello']);
      await off();
      await s.publish('chan', 'ignored');
      await s.publish('other', 'ignored');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(got, ['hello']);
      await s.close();
    });
  });
}

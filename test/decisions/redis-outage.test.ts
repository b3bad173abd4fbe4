// A Redis that dies mid-test: decisions go on without the shared cache and earlier revocations still apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createDecisionCache, createDecisionService, hashToken } from '../../service/src/decisions/index.js';
import { createRecordingMetrics, silentLogger } from '../../service/src/hooks/index.js';
import { createRevocationList } from '../../service/src/revocation/index.js';
import { createRedisStore } from '../../service/src/store/index.js';
import { eventually, startPrivateRedis, testPrefix } from '../store/redis-helpers.js';
import { referenceLikeEngine, swappableSource } from './fakes.js';
import { RESOURCES, createTokenPath, createTokenSigner } from './token-path.js';

const server = { id: 'github', resource: RESOURCES.github };

test('decisions continue when Redis dies and mirrored revocations still apply', async () => {
  const redis = await startPrivateRedis();
  const prefix = testPrefix('outage');
  const store = createRedisStore({ url: redis.url, prefix });
  const metrics = createRecordingMetrics();
  const revocations = createRevocationList({ store, metrics, logger: silentLogger });
  const engine = referenceLikeEngine();
  const signer = await createTokenSigner();
  const tokens = createTokenPath({ signer, store, revocations, metrics });
  const alice = await signer.sign({ sub: 'alice', server: 'github' });
  const mallory = await signer.sign({ sub: 'mallory', server: 'github' });
  const newcomer = await signer.sign({ sub: 'newcomer', server: 'github' });
  const service = createDecisionService({
    validateToken: tokens.validateToken,
    engines: swappableSource(engine),
    cache: createDecisionCache({ store, maxTtlSeconds: 60, metrics, logger: silentLogger }),
    revocations,
    maxTtlSeconds: 60,
    metrics,
    logger: silentLogger,
  });
  try {
    assert.equal(await store.waitReady(5000), true);
    await revocations.start();
    const call = (token: string, ip = '1.1.1.1') => service.decide({ token, server, action: { method: 'tools/call', tool: 'read_file' }, context: { client_ip: ip } });
    assert.equal((await call(alice)).outcome, 'allow');
    assert.equal((await call(mallory)).outcome, 'allow');
    assert.equal((await revocations.revokeToken(mallory)).persisted, true);

    // Nothing in Redis names a token: keys are hashes.
    const probe = new Redis(redis.url);
    const keys = await probe.keys(`${prefix}*`);
    probe.disconnect();
    assert.ok(keys.some((k) => k.includes(hashToken(alice))), 'token cache keyed by sha-256');
    assert.ok(keys.every((k) => !k.includes(alice)));

    await redis.stop();
    await eventually(() => !store.healthy(), 'store sees the outage');

    const fresh = await call(alice, '2.2.2.2');
    assert.equal(fresh.outcome, 'allow', 'a cache miss is evaluated without Redis');
    assert.equal((await call(newcomer)).outcome, 'allow', 'a never-seen token still validates');
    assert.equal((await call(mallory)).outcome, 'invalid_token', 'revocation from before the outage applies');
    const during = await revocations.revokeToken(alice);
    assert.equal(during.persisted, false);
    assert.equal((await call(alice)).outcome, 'invalid_token', 'a revocation made during the outage applies locally');

    await redis.start();
    await eventually(() => store.healthy(), 'store reconnects');
    // The revocation made during the outage is pushed to the (empty, restarted) Redis.
    await eventually(async () => (await store.zrangeByScore('revocations', 0, Number.POSITIVE_INFINITY)).length >= 1, 'pending revocation persisted');
    assert.equal((await call(alice, '3.3.3.3')).outcome, 'invalid_token');
  } finally {
    await revocations.stop();
    await store.close();
    await redis.stop();
  }
});

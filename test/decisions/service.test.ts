// The decision service over memory and real Redis stores with the production token path (real JWTs,
// tokens validator, shared validation cache): outcomes, caching, coalescing, revocation.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDecisionCache,
  createDecisionService,
  hashToken,
  type DecisionLogRecord,
  type PolicyEngine,
} from '../../service/src/decisions/index.js';
import { createRecordingMetrics, silentLogger } from '../../service/src/hooks/index.js';
import { createRevocationList } from '../../service/src/revocation/index.js';
import { createMemoryStore, createRedisStore, type SharedStore } from '../../service/src/store/index.js';
import { SHARED_REDIS_URL, deleteKeys, testPrefix } from '../store/redis-helpers.js';
import { fakeValidator, referenceLikeEngine, swappableSource } from './fakes.js';
import { ISSUER, RESOURCES, createTokenPath, createTokenSigner } from './token-path.js';

const server = { id: 'github', resource: RESOURCES.github };
const prefix = testPrefix('decisions');
const signer = await createTokenSigner();
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

async function setup(store: SharedStore, engine: PolicyEngine = referenceLikeEngine()) {
  const metrics = createRecordingMetrics();
  const logged: DecisionLogRecord[] = [];
  const revocations = createRevocationList({ store, metrics, logger: silentLogger });
  await revocations.start();
  const source = swappableSource(engine);
  const cache = createDecisionCache({ store, maxTtlSeconds: 60, metrics, logger: silentLogger });
  const tokens = createTokenPath({ signer, store, revocations, metrics });
  const service = createDecisionService({
    validateToken: tokens.validateToken,
    engines: source,
    cache,
    revocations,
    maxTtlSeconds: 60,
    decisionLog: { write: (r) => logged.push(r) },
    metrics,
    logger: silentLogger,
  });
  return { service, metrics, revocations, source, cache, logged, tokens: tokens.counts };
}

const stores: Array<[string, () => SharedStore]> = [
  ['memory', () => createMemoryStore()],
  ['redis', () => createRedisStore({ url: SHARED_REDIS_URL, prefix: `${prefix}${Math.random().toString(36).slice(2)}:` })],
];

for (const [kind, makeStore] of stores) {
  describe(`decision service (${kind} store)`, () => {
    test('allow, deny, required_scopes and invalid_token answers', async () => {
      const store = makeStore();
      if (store.kind === 'redis') await (store as ReturnType<typeof createRedisStore>).waitReady(5000);
      const { service, revocations, logged } = await setup(store);
      const token = await signer.sign({ sub: 'alice', server: 'github' });
      const allow = await service.decide({ token, server, action: { method: 'tools/call', tool: 'read_file', arguments: { path: 'a' } } });
      assert.equal(allow.outcome, 'allow');
      assert.equal(allow.allow, true);
      assert.equal(allow.policy_revision, 'rev-1');
      assert.deepEqual(allow.subject?.sub, 'alice');
      assert.deepEqual(allow.subject?.scopes, ['mcp:read']);
      assert.ok(allow.ttl_seconds > 0 && allow.ttl_seconds <= 60);

      const admin = await service.decide({ token, server, action: { method: 'tools/call', tool: 'admin_reset' } });
      assert.equal(admin.outcome, 'deny');
      assert.deepEqual(admin.required_scopes, ['mcp:admin']);

      const other = await service.decide({ token: await signer.sign({ sub: 'alice', server: 'gitlab' }), server, action: { method: 'tools/call', tool: 'read_file' } });
      assert.equal(other.outcome, 'invalid_token');
      assert.equal(other.allow, false);
      assert.equal(other.subject, undefined);
      assert.deepEqual(other.reasons, ['audience_mismatch']);

      assert.equal(new Set([allow, admin, other].map((r) => r.decision_id)).size, 3);
      assert.equal(logged.length, 3);
      assert.ok(logged.every((r) => !JSON.stringify(r).includes(token)), 'the token never reaches the log record');
      await revocations.stop();
      await store.close();
    });

    test('repeat is a cache hit; other context, other action and new revision are not', async () => {
      const store = makeStore();
      if (store.kind === 'redis') await (store as ReturnType<typeof createRedisStore>).waitReady(5000);
      const engine = referenceLikeEngine('rev-1');
      const { service, metrics, revocations, source } = await setup(store, engine);
      const req = { token: await signer.sign({ sub: 'bob', server: 'github' }), server, action: { method: 'tools/call', tool: 'read_file', arguments: { path: 'x', n: 1 } }, context: { client_ip: '10.0.0.1' } };
      await service.decide(req);
      // Key order of arguments does not matter (canonical JSON).
      await service.decide({ ...req, action: { method: 'tools/call', tool: 'read_file', arguments: { n: 1, path: 'x' } } });
      assert.equal(engine.calls, 1);
      assert.equal(metrics.value('mcp_authz_decisions_total', { outcome: 'allow', cache: 'hit' }), 1);

      await service.decide({ ...req, context: { client_ip: '10.0.0.2' } });
      assert.equal(engine.calls, 2, 'different context is evaluated');
      await service.decide({ ...req, action: { method: 'tools/call', tool: 'read_file', arguments: { path: 'y', n: 1 } } });
      assert.equal(engine.calls, 3, 'different arguments are evaluated');

      const engine2 = referenceLikeEngine('rev-2');
      source.set(engine2);
      const r = await service.decide(req);
      assert.equal(engine2.calls, 1, 'a new revision invalidates the cache');
      assert.equal(r.policy_revision, 'rev-2');
      await revocations.stop();
      await store.close();
    });

    test('concurrent identical misses are evaluated once; the token cache serves later requests', async () => {
      const store = makeStore();
      if (store.kind === 'redis') await (store as ReturnType<typeof createRedisStore>).waitReady(5000);
      const engine = referenceLikeEngine();
      const { service, revocations, tokens } = await setup(store, engine);
      const req = { token: await signer.sign({ sub: 'carol', server: 'github' }), server, action: { method: 'tools/call', tool: 'read_file' } };
      const results = await Promise.all(Array.from({ length: 20 }, () => service.decide(req)));
      assert.equal(engine.calls, 1);
      // The tokens package does not coalesce validation: concurrent misses all reach the (empty)
      // validation cache before the first verification fills it, so each verifies the signature.
      assert.equal(tokens.verifications, 20);
      assert.ok(results.every((r) => r.outcome === 'allow'));
      assert.equal(new Set(results.map((r) => r.decision_id)).size, 20);
      await service.decide(req);
      assert.equal(tokens.validations, 21);
      assert.equal(tokens.verifications, 20, 'a later request is answered from the token cache');
      assert.equal(engine.calls, 1);
      await revocations.stop();
      await store.close();
    });

    test('a revocation beats a cached allow (by token and by iss+jti)', async () => {
      const store = makeStore();
      if (store.kind === 'redis') await (store as ReturnType<typeof createRedisStore>).waitReady(5000);
      const { service, revocations } = await setup(store);
      const a = { token: await signer.sign({ sub: 'dave', server: 'github' }), server, action: { method: 'tools/call', tool: 'read_file' } };
      const b = { token: await signer.sign({ sub: 'erin', server: 'github', jti: 'jti-42' }), server, action: { method: 'tools/call', tool: 'read_file' } };
      assert.equal((await service.decide(a)).outcome, 'allow');
      assert.equal((await service.decide(b)).outcome, 'allow');
      assert.equal((await revocations.revokeToken(a.token)).persisted, true);
      await revocations.revokeJti(ISSUER, 'jti-42');
      const ra = await service.decide(a);
      const rb = await service.decide(b);
      assert.equal(ra.outcome, 'invalid_token');
      assert.deepEqual(ra.reasons, ['token_revoked']);
      assert.equal(rb.outcome, 'invalid_token');
      await revocations.stop();
      await store.close();
    });

    test('batch validates once and equals single answers in order', async () => {
      const store = makeStore();
      if (store.kind === 'redis') await (store as ReturnType<typeof createRedisStore>).waitReady(5000);
      const { service, revocations, tokens } = await setup(store, referenceLikeEngine());
      const token = await signer.sign({ sub: 'frank', server: 'github' });
      const actions = [
        { method: 'tools/list', tool: 'admin_reset' },
        { method: 'tools/call', tool: 'read_file', arguments: { path: 'p' } },
        { method: 'tools/call', tool: 'write_file' },
      ];
      const batch = await service.decideBatch({ token, server, actions });
      assert.deepEqual(tokens, { validations: 1, verifications: 1 });
      const singles = [];
      for (const action of actions) singles.push(await service.decide({ token, server, action }));
      const strip = (r: { decision_id: string; ttl_seconds: number }) => ({ ...r, decision_id: '', ttl_seconds: 0, cached: false });
      assert.deepEqual(batch.map(strip), singles.map(strip));
      assert.deepEqual(batch.map((r) => r.outcome), ['deny', 'allow', 'deny']);
      const bad = await service.decideBatch({ token: 'garbage', server, actions });
      assert.deepEqual(bad.map((r) => r.outcome), ['invalid_token', 'invalid_token', 'invalid_token']);
      await revocations.stop();
      await store.close();
    });
  });
}

describe('decision ttl and failure modes', () => {
  test('ttl is min(policy ttl_seconds, token exp, configured max)', async () => {
    const store = createMemoryStore();
    const policyTtl = await setup(store, referenceLikeEngine('r', 5));
    assert.equal((await policyTtl.service.decide({ token: await signer.sign({ sub: 'a', server: 'github' }), server, action: { method: 'tools/call', tool: 'read_x' } })).ttl_seconds, 5);
    const max = await setup(store, referenceLikeEngine('r2', 3600));
    assert.equal((await max.service.decide({ token: await signer.sign({ sub: 'b', server: 'github' }), server, action: { method: 'tools/call', tool: 'read_x' } })).ttl_seconds, 60);
    const exp = await setup(store, referenceLikeEngine('r3'));
    const r = await exp.service.decide({ token: await signer.sign({ sub: 'c', server: 'github', exp: Math.floor(Date.now() / 1000) + 10 }), server, action: { method: 'tools/call', tool: 'read_x' } });
    assert.ok(r.ttl_seconds <= 10 && r.ttl_seconds >= 8, `ttl ${r.ttl_seconds} bounded by exp`);
  });

  test('evaluation errors deny, are logged with their code and are not cached', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const engine: PolicyEngine = {
      revision: 'bad',
      evaluate: () => {
        calls++;
        return { allow: false, reasons: ['policy_error: eval_timeout_error'], required_scopes: [], error: { code: 'eval_timeout_error', message: 'slow' } };
      },
      query: () => ({ defined: false, declared: false }),
    };
    const store = createMemoryStore();
    const metrics = createRecordingMetrics();
    const revocations = createRevocationList({ store });
    const service = createDecisionService({
      validateToken: fakeValidator(),
      engines: swappableSource(engine),
      cache: createDecisionCache({ store, maxTtlSeconds: 60, metrics, logger: silentLogger }),
      revocations,
      maxTtlSeconds: 60,
      metrics,
      logger: { ...silentLogger, error: (f) => errors.push(f) },
    });
    const req = { token: 'tok:a:github', server, action: { method: 'tools/call', tool: 'x' } };
    const r = await service.decide(req);
    await service.decide(req);
    assert.equal(r.outcome, 'deny');
    assert.equal(r.ttl_seconds, 0);
    assert.equal(calls, 2);
    assert.equal(metrics.value('mcp_authz_policy_evaluation_errors_total', { code: 'eval_timeout_error' }), 2);
    assert.equal((errors[0] as { code: string }).code, 'eval_timeout_error');
  });

  test('no policy loaded denies', async () => {
    const store = createMemoryStore();
    const service = createDecisionService({ validateToken: fakeValidator(), engines: swappableSource(undefined), revocations: createRevocationList({ store }), maxTtlSeconds: 60 });
    const r = await service.decide({ token: 'tok:a:github', server, action: { method: 'tools/call', tool: 'read_x' } });
    assert.equal(r.outcome, 'deny');
    assert.deepEqual(r.reasons, ['policy_not_loaded']);
  });
});

describe('decision cache without Redis', () => {
  test('lruOnly keeps decisions in the LRU and writes nothing to the store', async () => {
    const store = createMemoryStore();
    const metrics = createRecordingMetrics();
    const cache = createDecisionCache({ store, maxTtlSeconds: 60, lruOnly: true, metrics, logger: silentLogger });
    const service = createDecisionService({
      validateToken: fakeValidator(),
      engines: swappableSource(referenceLikeEngine()),
      cache,
      revocations: createRevocationList({ store }),
      maxTtlSeconds: 60,
      metrics,
    });
    const action = { method: 'tools/call', tool: 'read_x' };
    const first = await service.decide({ token: 'tok:a:github', server, action });
    const second = await service.decide({ token: 'tok:a:github', server, action });
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    const key = cache.keyFor({ tokenHash: hashToken('tok:a:github'), serverId: server.id, action, context: undefined, revision: first.policy_revision });
    assert.equal(await store.get(`decisions:${key}`), undefined);
    assert.equal(metrics.value('mcp_authz_decision_cache_lookups_total', { layer: 'lru', result: 'hit' }), 1);
    assert.equal(metrics.value('mcp_authz_decision_cache_lookups_total', { layer: 'shared', result: 'miss' }), 0);
  });
});

describe('decision-cache prefetch (shared lookup started before validation)', () => {
  const redisStore = async () => {
    const store = createRedisStore({ url: SHARED_REDIS_URL, prefix: `${prefix}prefetch-${Math.random().toString(36).slice(2)}:` });
    await store.waitReady(5000);
    return store;
  };
  const build = (store: SharedStore, validateToken: Parameters<typeof createDecisionService>[0]['validateToken'], source: ReturnType<typeof swappableSource>) => {
    const metrics = createRecordingMetrics();
    const service = createDecisionService({
      validateToken,
      engines: source,
      cache: createDecisionCache({ store, maxTtlSeconds: 60, metrics, logger: silentLogger }),
      revocations: createRevocationList({ store }),
      maxTtlSeconds: 60,
      metrics,
    });
    return { service, metrics };
  };
  const action = { method: 'tools/call', tool: 'read_x' };

  test('a replica with a fresh LRU answers from the shared entry it prefetched', async () => {
    const store = await redisStore();
    try {
      const engine = referenceLikeEngine('rev-p1');
      const first = build(store, fakeValidator(), swappableSource(engine));
      assert.equal((await first.service.decide({ token: 'tok:a:github', server, action })).cached, false);
      await new Promise((r) => setTimeout(r, 50));
      const replica = build(store, fakeValidator(), swappableSource(engine));
      const r = await replica.service.decide({ token: 'tok:a:github', server, action });
      assert.equal(r.cached, true);
      assert.equal(engine.calls, 1);
      assert.equal(replica.metrics.value('mcp_authz_decision_cache_lookups_total', { layer: 'shared', result: 'hit' }), 1);
      // An invalid token never gets the prefetched entry.
      const bad = await replica.service.decide({ token: 'tok:a:other-server', server, action });
      assert.equal(bad.outcome, 'invalid_token');
    } finally {
      await store.close();
    }
  });

  test('a revision swapped while the token is validated is not answered from the prefetched key', async () => {
    const store = await redisStore();
    try {
      const old = referenceLikeEngine('rev-p2-old');
      const next = referenceLikeEngine('rev-p2-new');
      const seed = build(store, fakeValidator(), swappableSource(old));
      await seed.service.decide({ token: 'tok:b:github', server, action });
      await new Promise((r) => setTimeout(r, 50));
      const source = swappableSource(old);
      const validator = fakeValidator();
      const swapping: typeof validator = Object.assign(async (...args: Parameters<typeof validator>) => {
        source.set(next);
        return validator(...args);
      }, { calls: 0 });
      const replica = build(store, swapping, source);
      const r = await replica.service.decide({ token: 'tok:b:github', server, action });
      assert.equal(r.policy_revision, 'rev-p2-new');
      assert.equal(r.cached, false);
      assert.equal(next.calls, 1);
    } finally {
      await store.close();
    }
  });
});

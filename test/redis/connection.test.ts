// The redis package's description of a connection: configuration (and REDIS_PASSWORD) to connection,
// hash-tagged queue prefixes in a Cluster, TLS options, and descriptions that never hold a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { ConfigError, resolveConfig } from '../../service/src/config/index.js';
import { createRedisClient, describeRedis, queuePrefix, redisConnectionFromConfig } from '../../service/src/redis/index.js';

const secret = 'pw-from-env-0123456789';

test('REDIS_PASSWORD and REDIS_USERNAME reach the Sentinel connection; descriptions name hosts only', () => {
  const config = resolveConfig({ redis: { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'authz' } }, { REDIS_PASSWORD: secret, REDIS_USERNAME: 'authz' });
  const c = redisConnectionFromConfig(config.redis);
  assert.equal(c?.mode, 'sentinel');
  assert.equal(c?.password, secret);
  assert.equal(c?.username, 'authz');
  assert.equal(describeRedis(c!), 'sentinel authz via 127.0.0.1:26379');
  assert.equal(describeRedis('redis://:hunter2@cache.test:6380/2'), 'redis://cache.test:6380/2');
  assert.equal(redisConnectionFromConfig(resolveConfig({}).redis), undefined);
});

test('queue prefixes are hash-tagged in a Cluster only', () => {
  const cluster = { mode: 'cluster' as const, nodes: [{ host: '127.0.0.1', port: 7000 }] };
  assert.equal(queuePrefix(cluster, 'mcp-authz:'), '{mcp-authz}:bull');
  assert.equal(queuePrefix(cluster, '{tenant-a}:authz:'), '{tenant-a}:authz:bull');
  assert.equal(queuePrefix('redis://127.0.0.1:6379', 'mcp-authz:'), 'mcp-authz:bull');
});

test('TLS files are read into the client options; an unreadable one is a configuration error naming its key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-redis-tls-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    const config = resolveConfig({ redis: { cluster: [{ host: '127.0.0.1', port: 7000 }], tls: { ca_file: 'ca.pem', servername: 'redis.test' } } });
    const c = redisConnectionFromConfig(config.redis, dir)!;
    const client = createRedisClient(c, { lazyConnect: true });
    assert.ok(client instanceof Cluster);
    const tls = client.options.redisOptions?.tls;
    assert.deepEqual(tls, { ca: 'CA PEM', servername: 'redis.test', rejectUnauthorized: true });
    client.disconnect();
    const single = createRedisClient({ mode: 'single', url: 'redis://127.0.0.1:1', password: secret }, { lazyConnect: true });
    assert.ok(single instanceof Redis);
    assert.equal(single.options.password, secret);
    single.disconnect();

    const missing = resolveConfig({ redis: { url: 'rediss://127.0.0.1:6380', tls: { ca_file: 'nope.pem' } } });
    assert.throws(() => redisConnectionFromConfig(missing.redis, dir), (e: unknown) => e instanceof ConfigError && e.message.includes('redis.tls.ca_file'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a configuration error about the Redis password never repeats it', () => {
  assert.throws(() => resolveConfig({}, { REDIS_PASSWORD: secret }), (e: unknown) => e instanceof ConfigError && !e.message.includes(secret) && e.message.includes('redis.password'));
});

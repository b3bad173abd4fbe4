// Cross-checks of the `redis` section: one way to reach Redis, and the keys each way needs.
import type { SchemaIssue } from '../schema/create-ajv.js';
import type { AuthzConfig } from './types.js';

export function checkRedis(config: AuthzConfig): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const redis = config.redis;
  const ways = (['url', 'sentinels', 'cluster'] as const).filter((k) => redis[k] !== undefined);
  for (const extra of ways.slice(1)) {
    issues.push({ path: `redis.${extra}`, message: `cannot be combined with redis.${ways[0]}: give one of redis.url, redis.sentinels, redis.cluster` });
  }
  if (redis.sentinels !== undefined && redis.name === undefined) {
    issues.push({ path: 'redis.name', message: 'is required with redis.sentinels (the master group name the sentinels monitor)' });
  }
  if (redis.name !== undefined && redis.sentinels === undefined) issues.push({ path: 'redis.name', message: 'needs redis.sentinels' });
  for (const key of ['sentinel_username', 'sentinel_password'] as const) {
    if (redis[key] !== undefined && redis.sentinels === undefined) issues.push({ path: `redis.${key}`, message: 'needs redis.sentinels' });
  }
  if (ways.length === 0) {
    for (const key of ['username', 'password', 'tls'] as const) {
      if (redis[key] !== undefined) issues.push({ path: `redis.${key}`, message: 'needs redis.url, redis.sentinels or redis.cluster' });
    }
  }
  if (redis.url !== undefined && redis.password !== undefined) {
    let inUrl = false;
    try {
      inUrl = new URL(redis.url).password !== '';
    } catch {
      // The schema names a malformed URL.
    }
    // Two passwords: which one wins would be a guess.
    if (inUrl) issues.push({ path: 'redis.password', message: 'cannot be combined with a password inside redis.url' });
  }
  const tls = redis.tls;
  if (tls !== undefined && (tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    issues.push({ path: tls.cert_file === undefined ? 'redis.tls.cert_file' : 'redis.tls.key_file', message: 'is required with a client certificate (redis.tls.cert_file and redis.tls.key_file go together)' });
  }
  return issues;
}

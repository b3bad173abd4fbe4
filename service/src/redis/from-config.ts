// The `redis` configuration section as a connection description (TLS files are read here).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type AuthzConfig } from '../config/index.js';
import type { RedisConnection, RedisTls } from './connection.js';

type RedisConfig = AuthzConfig['redis'];

function readTls(tls: NonNullable<RedisConfig['tls']>, cwd: string): RedisTls {
  const issues: { path: string; message: string }[] = [];
  const read = (key: 'ca_file' | 'cert_file' | 'key_file'): string | undefined => {
    const file = tls[key];
    if (file === undefined) return undefined;
    try {
      return readFileSync(resolve(cwd, file), 'utf8');
    } catch (e) {
      issues.push({ path: `redis.tls.${key}`, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
      return undefined;
    }
  };
  const ca = read('ca_file');
  const cert = read('cert_file');
  const key = read('key_file');
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    rejectUnauthorized: tls.reject_unauthorized,
  };
}

/** undefined when no Redis is configured (the service then keeps its state in memory). */
export function redisConnectionFromConfig(redis: RedisConfig, cwd: string = process.cwd()): RedisConnection | undefined {
  const common = {
    ...(redis.username !== undefined ? { username: redis.username } : {}),
    ...(redis.password !== undefined ? { password: redis.password } : {}),
    ...(redis.tls !== undefined && redis.tls.enabled ? { tls: readTls(redis.tls, cwd) } : {}),
  };
  if (redis.sentinels !== undefined) {
    return {
      mode: 'sentinel',
      sentinels: redis.sentinels,
      name: redis.name ?? '',
      ...common,
      ...(redis.sentinel_username !== undefined ? { sentinelUsername: redis.sentinel_username } : {}),
      ...(redis.sentinel_password !== undefined ? { sentinelPassword: redis.sentinel_password } : {}),
    };
  }
  if (redis.cluster !== undefined) return { mode: 'cluster', nodes: redis.cluster, ...common };
  if (redis.url !== undefined) return { mode: 'single', url: redis.url, ...common };
  return undefined;
}

/** Whether the configuration names a Redis at all. */
export function redisConfigured(redis: RedisConfig): boolean {
  return redis.url !== undefined || redis.sentinels !== undefined || redis.cluster !== undefined;
}

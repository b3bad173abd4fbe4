// docker-compose.yml must speak the service's configuration: known variable names, values the
// schema accepts, the published port equal to PORT, and REDIS_URL pointing at the Redis service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ENV_VARIABLES, resolveConfig } from '../../service/src/config/index.js';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; ports?: string[]; image?: string; command?: string[] }>;
};
const service = compose.services['mcp-authz']!;
const env = service.environment ?? {};

// `${NAME:-default}` as compose interpolates it with NAME unset.
function interpolate(value: string): string {
  return String(value).replace(/\$\{[A-Z0-9_]+(?::-([^}]*))?\}/g, (_m, fallback: string | undefined) => fallback ?? '');
}

test('every environment name is one the service reads', () => {
  const known = new Set(Object.keys(ENV_VARIABLES));
  for (const name of Object.keys(env)) assert.ok(known.has(name), `${name} is not a configuration variable`);
});

test('the environment validates against the configuration schema', () => {
  const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v)]));
  const config = resolveConfig({}, resolved);
  assert.equal(config.http.host, '0.0.0.0', 'the container must listen beyond loopback');
  assert.equal(config.policies.dir, '/app/policies');
});

test('the published container port is PORT', () => {
  const port = Number(interpolate(env.PORT ?? '8080'));
  const published = (service.ports ?? []).map((p) => Number(String(p).split(':').pop()));
  assert.deepEqual(published, [port]);
});

test('REDIS_URL names the compose Redis service and its port', () => {
  const url = new URL(interpolate(env.REDIS_URL ?? ''));
  const redis = compose.services[url.hostname];
  assert.ok(redis, `no compose service named ${url.hostname}`);
  assert.match(redis.image ?? '', /^redis:/);
  assert.equal(Number(url.port || 6379), 6379);
});

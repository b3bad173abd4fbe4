// docker-compose.yml must speak the service's configuration: known variable names, values the
// schema accepts, REDIS_URL pointing at the Redis service, and two replicas behind the nginx proxy,
// which alone publishes a port and forwards to the replicas' PORT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ENV_VARIABLES, resolveConfig } from '../../service/src/config/index.js';

interface ComposeService {
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  image?: string;
  command?: string[];
  depends_on?: string[] | Record<string, unknown>;
  deploy?: { replicas?: number };
  volumes?: string[];
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, ComposeService>;
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

/** The host file a compose volume mounts at `target`. */
function mounted(of: ComposeService, target: string): string {
  const volume = (of.volumes ?? []).find((v) => v.split(':')[1] === target);
  assert.ok(volume, `nothing is mounted at ${target}`);
  return readFileSync(new URL(`../../${volume.split(':')[0]!.replace(/^\.\//, '')}`, import.meta.url), 'utf8');
}

test('the environment and the mounted configuration file validate against the configuration schema', () => {
  const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v)]));
  const raw = parse(mounted(service, resolved.AUTHZ_CONFIG!)) as Record<string, unknown>;
  const config = resolveConfig(raw, resolved);
  assert.equal(config.http.trust_proxy, 1, 'the replicas are one proxy hop away from clients');
  assert.equal(config.http.host, '0.0.0.0', 'the container must listen beyond loopback');
  assert.equal(config.policies.dir, '/app/policies');
});

test('two replicas publish no port; the proxy publishes the port nginx listens on and forwards to PORT', () => {
  assert.equal(service.deploy?.replicas, 2);
  assert.equal(service.ports, undefined, 'a published port would clash between replicas');
  const port = Number(interpolate(env.PORT ?? '8080'));
  assert.deepEqual((service.expose ?? []).map(Number), [port]);
  const proxy = compose.services.proxy!;
  assert.match(proxy.image ?? '', /^nginx:/);
  assert.ok(Array.isArray(proxy.depends_on) && proxy.depends_on.includes('mcp-authz'));
  const nginx = mounted(proxy, '/etc/nginx/nginx.conf');
  const listen = Number(/^\s*listen\s+(\d+);/m.exec(nginx)?.[1]);
  assert.deepEqual((proxy.ports ?? []).map((p) => Number(String(p).split(':').pop())), [listen]);
  const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(nginx);
  assert.ok(upstream, 'no upstream block');
  assert.deepEqual([...upstream[2]!.matchAll(/^\s*server\s+([^;\s]+)/gm)].map((m) => m[1]), [`mcp-authz:${port}`]);
  assert.match(nginx, new RegExp(`proxy_pass\\s+http://${upstream[1]};`));
  assert.match(nginx, /proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;/);
});

test('REDIS_URL names the compose Redis service and its port', () => {
  const url = new URL(interpolate(env.REDIS_URL ?? ''));
  const redis = compose.services[url.hostname];
  assert.ok(redis, `no compose service named ${url.hostname}`);
  assert.match(redis.image ?? '', /^redis:/);
  assert.equal(Number(url.port || 6379), 6379);
});

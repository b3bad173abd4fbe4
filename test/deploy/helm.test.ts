// The Helm chart in deploy/helm/mcp-authz, checked without helm (not installable here): Redis as a
// chart dependency, every value the templates read defined, the default configuration valid, the
// chart's policies in step with the repository's, and the templates' probes, secrets and objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { resolveConfig } from '../../service/src/config/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = join(ROOT, 'deploy', 'helm', 'mcp-authz');
const read = (path: string): string => readFileSync(join(CHART, path), 'utf8');

interface Chart {
  apiVersion: string;
  name: string;
  appVersion: string;
  dependencies: { name: string; repository: string; version: string; condition?: string }[];
}
const chart = parse(read('Chart.yaml')) as Chart;
const values = parse(read('values.yaml')) as Record<string, unknown>;
const templates = Object.fromEntries(
  readdirSync(join(CHART, 'templates')).map((name) => [name, read(join('templates', name))]),
);
const deployment = templates['deployment.yaml']!;

function valueAt(path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

test('Redis is the Bitnami chart as a dependency, switched by redis.enabled', () => {
  assert.equal(chart.apiVersion, 'v2');
  const redis = chart.dependencies.find((d) => d.name === 'redis');
  assert.ok(redis, 'no redis dependency');
  assert.match(redis.repository, /bitnami/);
  assert.equal(redis.condition, 'redis.enabled');
  assert.ok(redis.version.length > 0);
  assert.equal(valueAt('redis.enabled'), true);
  const own = Object.values(templates).join('\n');
  assert.doesNotMatch(own, /kind:\s*StatefulSet/, 'Redis must not be hand-written');
});

test('the chart version of the application is the service package version', () => {
  const service = JSON.parse(readFileSync(join(ROOT, 'service', 'package.json'), 'utf8')) as { version: string };
  assert.equal(chart.appVersion, service.version);
});

test('every value a template reads is defined in values.yaml (the Redis chart keeps its own)', () => {
  const used = new Set([...Object.values(templates).join('\n').matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)].map((m) => m[1]!));
  assert.ok(used.size > 10);
  const missing = [...used].filter((path) => !path.startsWith('redis.') && valueAt(path) === undefined);
  assert.deepEqual(missing, []);
});

test('the default configuration validates against the service configuration schema', () => {
  const config = resolveConfig(valueAt('config') as Record<string, unknown>, { HOST: '0.0.0.0', POLICY_DIR: '/app/policies' });
  assert.equal(config.http.host, '0.0.0.0');
});

test("the chart's policy files are the repository's", () => {
  for (const name of ['authz.rego', 'data.json']) {
    assert.equal(read(join('files', 'policies', name)), readFileSync(join(ROOT, 'policies', 'mcp', name), 'utf8'), `${name} is out of date`);
  }
  assert.match(templates['policies-configmap.yaml']!, /\.Files\.Glob "files\/policies\/\*"/);
});

test('the Deployment template probes /healthz and /readyz and reads resources from values', () => {
  assert.match(deployment, /livenessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/healthz/);
  assert.match(deployment, /readinessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/readyz/);
  assert.match(deployment, /resources:\s*\n\s*\{\{- toYaml \.Values\.resources/);
  const resources = valueAt('resources') as { requests: Record<string, string>; limits: Record<string, string> };
  assert.ok(resources.requests.cpu && resources.requests.memory && resources.limits.memory);
});

test('secrets reach the service from Secrets only', () => {
  for (const name of ['AUTHZ_CLIENTS', 'AUTHZ_ADMIN_KEYS', 'REDIS_PASSWORD']) {
    const blocks = [...deployment.matchAll(new RegExp(`- name: ${name}\\n(\\s+)(\\S+)`, 'g'))];
    assert.ok(blocks.length > 0, `${name} is not set`);
    for (const block of blocks) assert.equal(block[2], 'valueFrom:', `${name} is not read from a Secret`);
  }
  assert.match(templates['secret.yaml']!, /kind: Secret/);
});

test('policies come from a ConfigMap or a git-sync sidecar, chosen by policies.source', () => {
  assert.equal(valueAt('policies.source'), 'configMap');
  assert.match(deployment, /has \.Values\.policies\.source \(list "configMap" "gitSync"\)/);
  assert.match(deployment, /- name: git-sync\n/);
  assert.match(deployment, /--one-time/);
  assert.match(String(valueAt('policies.gitSync.image')), /^registry\.k8s\.io\/git-sync\/git-sync:v4\./);
});

test('the chart makes a PodDisruptionBudget, an autoscaler, a Service and the ConfigMaps', () => {
  const kinds = Object.values(templates).flatMap((t) => [...t.matchAll(/^kind: (\w+)/gm)].map((m) => m[1]));
  for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ConfigMap', 'Secret']) {
    assert.ok(kinds.includes(kind), `no ${kind}`);
  }
  assert.match(templates['hpa.yaml']!, /apiVersion: autoscaling\/v2/);
  assert.match(templates['pdb.yaml']!, /apiVersion: policy\/v1/);
  assert.equal(valueAt('podDisruptionBudget.enabled'), true);
  assert.ok(Number(valueAt('autoscaling.minReplicas')) > Number(valueAt('podDisruptionBudget.minAvailable')));
});

// The plain Kubernetes manifests in deploy/kubernetes: valid against the Kubernetes API schemas
// (no unknown fields, no wrong types), and carrying what a production deployment needs: probes,
// resources, a PodDisruptionBudget, an autoscaler, policies and secrets from the cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { resolveConfig } from '../../service/src/config/index.js';
import { validateObjects, type KubeObject } from './kube-schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(ROOT, 'deploy', 'kubernetes');

function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8'))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const manifestFiles = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects = manifestFiles.flatMap(readObjects);

function find<T>(kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  assert.equal(found.length, 1, `expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0] as unknown as T;
}

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Container {
  name: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Deployment {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Container[]; volumes: { name: string; configMap?: { name: string } }[] };
    };
  };
}

const deployment = find<Deployment>('Deployment', 'mcp-authz');
const container = deployment.spec.template.spec.containers.find((c) => c.name === 'mcp-authz')!;
const envOf = (name: string): EnvVar | undefined => container.env?.find((e) => e.name === name);

test('kustomization.yaml lists every manifest except the Secret example', () => {
  assert.deepEqual([...kustomization.resources].sort(), manifestFiles.filter((f) => f !== 'secret.example.yaml').sort());
});

test('every manifest validates against the Kubernetes API schemas', async () => {
  assert.ok(objects.length >= 7, `only ${objects.length} objects read`);
  assert.deepEqual(await validateObjects(objects), []);
});

test('the validator refuses unknown fields, at the top and deep down, and wrong types', async () => {
  const copy = (): KubeObject => structuredClone(deployment) as unknown as KubeObject;
  const unknownTop = copy();
  (unknownTop.spec as Record<string, unknown>).replicaz = 2;
  const unknownDeep = copy();
  const probe = (unknownDeep.spec as Deployment['spec']).template.spec.containers[0]!.livenessProbe as Record<string, unknown>;
  probe.httpGett = probe.httpGet;
  delete probe.httpGet;
  const wrongType = copy();
  (wrongType.spec as Record<string, unknown>).replicas = 'two';
  const cases = [[unknownTop, /replicaz/], [unknownDeep, /httpGett/], [wrongType, /replicas/]] as const;
  for (const [object, expected] of cases) assert.match((await validateObjects([object])).join('\n'), expected);
});

test('the Deployment probes /healthz for liveness and /readyz for readiness on the service port', () => {
  assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
  assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
  const port = container.ports?.find((p) => p.name === container.readinessProbe?.httpGet?.port);
  assert.equal(String(port?.containerPort), envOf('PORT')?.value);
  assert.equal(envOf('HOST')?.value, '0.0.0.0');
});

test('the Deployment requests resources and limits memory', () => {
  assert.ok(container.resources?.requests?.cpu);
  assert.ok(container.resources?.requests?.memory);
  assert.ok(container.resources?.limits?.memory);
});

test('secrets come from Secrets, never from literal values', () => {
  for (const name of ['AUTHZ_CLIENTS', 'AUTHZ_ADMIN_KEYS', 'REDIS_PASSWORD']) {
    const ref = envOf(name)?.valueFrom?.secretKeyRef;
    assert.ok(ref?.name && ref.key, `${name} is not read from a Secret`);
    assert.equal(envOf(name)?.value, undefined);
  }
  const example = find<{ stringData: Record<string, string> }>('Secret', 'mcp-authz-secrets');
  for (const name of ['AUTHZ_CLIENTS', 'AUTHZ_ADMIN_KEYS']) {
    const ref = envOf(name)!.valueFrom!.secretKeyRef!;
    assert.equal(ref.name, 'mcp-authz-secrets');
    assert.ok(ref.key in example.stringData, `the Secret example has no ${ref.key}`);
  }
});

test('the configuration and the environment validate against the service configuration schema', () => {
  const configMap = find<{ data: Record<string, string> }>('ConfigMap', 'mcp-authz-config');
  const file = envOf('AUTHZ_CONFIG')!.value!;
  const mount = container.volumeMounts!.find((m) => file.startsWith(`${m.mountPath}/`))!;
  const volume = deployment.spec.template.spec.volumes.find((v) => v.name === mount.name)!;
  assert.equal(volume.configMap?.name, 'mcp-authz-config');
  const raw = parse(configMap.data[file.slice(mount.mountPath.length + 1)]!) as Record<string, unknown>;
  const example = find<{ stringData: Record<string, string> }>('Secret', 'mcp-authz-secrets');
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (ref?.name === 'mcp-authz-secrets') env[e.name] = example.stringData[ref.key]!;
    else env[e.name] = 'redis-password-from-the-chart';
  }
  const config = resolveConfig(raw, env);
  assert.equal(config.http.host, '0.0.0.0');
  assert.equal(config.policies.dir, '/app/policies');
});

test('the policies ConfigMap holds the repository policies, mounted under POLICY_DIR', () => {
  const policies = find<{ data: Record<string, string> }>('ConfigMap', 'mcp-authz-policies');
  for (const name of ['authz.rego', 'data.json']) {
    assert.equal(policies.data[name], readFileSync(join(ROOT, 'policies', 'mcp', name), 'utf8'), `${name} is out of date`);
  }
  const volume = deployment.spec.template.spec.volumes.find((v) => v.configMap?.name === 'mcp-authz-policies')!;
  const mount = container.volumeMounts!.find((m) => m.name === volume.name)!;
  assert.ok(mount.mountPath.startsWith(`${envOf('POLICY_DIR')!.value}/`));
});

test('a PodDisruptionBudget and an autoscaler cover the Deployment', () => {
  const labels = deployment.spec.template.metadata.labels;
  assert.ok(Object.entries(deployment.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
  const pdb = find<{ spec: { minAvailable?: number; selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget');
  assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  assert.ok((pdb.spec.minAvailable ?? 0) >= 1);
  assert.equal(deployment.spec.replicas, undefined, 'a replica count in the Deployment fights the autoscaler on every apply');
  const hpa = find<{ spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number } }>('HorizontalPodAutoscaler');
  assert.deepEqual({ kind: hpa.spec.scaleTargetRef.kind, name: hpa.spec.scaleTargetRef.name }, { kind: 'Deployment', name: 'mcp-authz' });
  assert.ok(hpa.spec.minReplicas > (pdb.spec.minAvailable ?? 0), 'the PDB would block every drain at minReplicas');
  const service = find<{ spec: { selector: Record<string, string> } }>('Service', 'mcp-authz');
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
});

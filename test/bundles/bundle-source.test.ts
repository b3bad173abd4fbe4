// Bundles as the service's policy source (policies.bundle): from a file, and from a real HTTP bundle
// server polled with If-None-Match; a refused bundle leaves the last good revision serving.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTarGz, signBundle } from '../../service/src/bundles/index.js';
import { resolveConfig } from '../../service/src/config/index.js';
import { buildPolicyInput } from '../../service/src/decisions/index.js';
import { createRecordingMetrics, silentLogger } from '../../service/src/hooks/index.js';
import { createDecisionRuntime, type DecisionRuntime } from '../../service/src/runtime/index.js';
import { ALLOW_TOOLS_LIST_REGO, minimalPolicyWasm, rsaKeys, tarGz } from './helpers.js';

const keys = rsaKeys();
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const inputFor = (method: string) => buildPolicyInput({ issuer: 'i', scopes: [], claims: {} }, { id: 's', resource: 'r' }, { method }, undefined, 0);

async function signedBundle(openMethods: string[], revision: string, extra: Record<string, string | Uint8Array> = {}): Promise<Buffer> {
  const files: Record<string, string | Uint8Array> = {
    '.manifest': JSON.stringify({ revision, roots: ['mcp'] }),
    'mcp/data.json': JSON.stringify({ open_methods: openMethods }),
    'mcp/authz.rego': ALLOW_TOOLS_LIST_REGO,
    ...extra,
  };
  const sig = await signBundle(Object.entries(files).map(([name, c]) => ({ name, data: Buffer.from(c) })), { privateKey: keys.privatePem, algorithm: 'RS256', keyId: 'ci' });
  return tarGz({ '.signatures.json': sig, ...files });
}

async function runtimeFor(bundle: Record<string, unknown>): Promise<{ runtime: DecisionRuntime; metrics: ReturnType<typeof createRecordingMetrics> }> {
  const config = resolveConfig({
    policies: { watch: false, bundle: { ...bundle, signing: { required: true, keys: [{ id: 'ci', algorithm: 'RS256', key: keys.publicPem }] } } },
  });
  const metrics = createRecordingMetrics();
  const runtime = createDecisionRuntime({ config, logger: silentLogger, metrics });
  cleanups.push(() => runtime.close());
  await runtime.start();
  return { runtime, metrics };
}

test('a signed bundle file is served; a tampered or unsigned replacement is refused, counted, and the last good one keeps serving', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-bundle-file-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bundle.tar.gz');
  await writeFile(file, await signedBundle(['tools/list'], 'v1'));
  const { runtime, metrics } = await runtimeFor({ file });
  const first = runtime.policies.current();
  assert.ok(first, JSON.stringify(runtime.policies.status()));
  assert.equal(first.evaluate(inputFor('tools/list')).allow, true);
  assert.equal(first.evaluate(inputFor('tools/call')).allow, false);

  // Tampered: the data changed after signing.
  const good = await signedBundle(['tools/list'], 'v2');
  const bad = tarGz({ ...Object.fromEntries(readTarGz(good).map((e) => [e.name, e.data])), 'mcp/data.json': '{"open_methods":["tools/call"]}' });
  await writeFile(file, bad);
  const refused = await runtime.policies.reload();
  assert.equal(refused.result, 'load_error');
  assert.equal(refused.errors[0]?.code, 'bundle_signature_invalid');
  assert.equal(runtime.policies.current(), first);
  assert.equal(metrics.value('mcp_authz_policy_bundle_rejected_total', { code: 'bundle_signature_invalid' }), 1);
  assert.equal(runtime.policies.status().drift, 'source_rejected');

  await writeFile(file, tarGz({ '.manifest': '{"revision":"v3","roots":["mcp"]}', 'mcp/authz.rego': ALLOW_TOOLS_LIST_REGO }));
  const unsigned = await runtime.policies.reload();
  assert.equal(unsigned.errors[0]?.code, 'bundle_unsigned');
  assert.equal(runtime.policies.current(), first);

  await writeFile(file, await signedBundle(['tools/list', 'tools/call'], 'v4'));
  assert.equal((await runtime.policies.reload()).result, 'accepted');
  assert.equal(runtime.policies.current()?.evaluate(inputFor('tools/call')).allow, true);
});

test('a bundle server is polled with If-None-Match; new content reloads, a bad bundle keeps the last good one', async () => {
  let body = await signedBundle(['tools/list'], 'v1');
  const seen: Array<{ ifNoneMatch?: string; status: number }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    const ifNoneMatch = req.headers['if-none-match'];
    const status = ifNoneMatch === etag ? 304 : 200;
    seen.push({ ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}), status });
    if (status === 304) res.writeHead(304, { etag }).end();
    else res.writeHead(200, { etag, 'content-type': 'application/gzip' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/authz.tar.gz`;

  // A long interval: the test polls through pollBundle().
  const { runtime, metrics } = await runtimeFor({ url, poll_seconds: 3600 });
  const first = runtime.policies.current();
  assert.ok(first, JSON.stringify(runtime.policies.status()));
  assert.equal(first.evaluate(inputFor('tools/list')).allow, true);
  // The first download, then the poll that starts the interval: a 304 for the same ETag.
  assert.deepEqual(seen.map((s) => s.status), [200, 304]);
  assert.equal(seen[0]!.ifNoneMatch, undefined);
  assert.equal(seen[1]!.ifNoneMatch, `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`);
  assert.equal(metrics.value('mcp_authz_policy_bundle_fetches_total', { result: 'not_modified' }), 1);

  const poll = (): Promise<string | undefined> => runtime.pollBundle();
  body = await signedBundle(['tools/list', 'tools/call'], 'v2');
  assert.equal(await poll(), 'updated');
  const second = runtime.policies.current();
  assert.notEqual(second, first);
  assert.equal(second?.evaluate(inputFor('tools/call')).allow, true);

  body = Buffer.from('this is not a bundle');
  assert.equal(await poll(), 'updated');
  assert.equal(runtime.policies.current(), second);
  assert.equal(runtime.policies.status().lastReload?.errors[0]?.code, 'bundle_invalid');
  assert.equal(metrics.value('mcp_authz_policy_bundle_rejected_total', { code: 'bundle_invalid' }), 1);
  // Same bad content again: the server answers 304 and nothing is reloaded.
  assert.equal(await poll(), 'not_modified');
});

test('a bundle carrying policy.wasm decides through opa-wasm, with the bundle data', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-bundle-wasm-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bundle.tar.gz');
  const wasm = await minimalPolicyWasm();
  await writeFile(file, await signedBundle(['ignored'], 'w1', { 'policy.wasm': wasm, '.manifest': JSON.stringify({ revision: 'w1', roots: ['mcp'], wasm: [{ entrypoint: 'mcp/authz/decision', module: '/policy.wasm' }] }) }));
  const { runtime } = await runtimeFor({ file });
  const engine = runtime.policies.current();
  assert.ok(engine, JSON.stringify(runtime.policies.status()));
  assert.deepEqual(engine.evaluate(inputFor('tools/list')), { allow: true, reasons: [], required_scopes: [] });
  // The Rego module in the bundle would allow tools/call only if listed; the wasm module decides instead.
  assert.deepEqual(engine.evaluate(inputFor('tools/call')), { allow: false, reasons: ['only tools/list is open'], required_scopes: ['tools:call'] });
});

// The prom-client binding registers every metric definition and reports through the hooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { METRIC_DEFINITIONS, createPromMetricsHooks } from '../../service/src/hooks/index.js';

test('every definition is registered and hooks update the registry', async () => {
  const registry = new Registry();
  const hooks = createPromMetricsHooks(registry);
  hooks.increment('mcp_authz_decisions_total', { outcome: 'allow', cache: 'hit' });
  hooks.observe('mcp_authz_policy_evaluation_seconds', 0.001);
  hooks.set('mcp_authz_store_up', 1);
  const text = await registry.metrics();
  for (const d of METRIC_DEFINITIONS) assert.ok(text.includes(`# TYPE ${d.name} ${d.type}`), d.name);
  assert.match(text, /mcp_authz_decisions_total\{outcome="allow",cache="hit"\} 1/);
  assert.match(text, /mcp_authz_store_up 1/);
  // Binding twice to one registry reuses the instruments instead of throwing.
  createPromMetricsHooks(registry).increment('mcp_authz_decisions_total', { outcome: 'allow', cache: 'hit' });
  assert.match(await registry.metrics(), /mcp_authz_decisions_total\{outcome="allow",cache="hit"\} 2/);
});

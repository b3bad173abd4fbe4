// The wasm PolicyEngine behind the decision contract: entrypoint and fallback, result interpretation,
// the request's wall-clock budget and failing closed; over the minimal ABI module through opa-wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWasm } from '../../service/src/bundles/index.js';
import { buildPolicyInput, createWasmPolicyEngine, wasmEntrypointName, type WasmEvaluable } from '../../service/src/decisions/index.js';
import { EvalBudget } from '../../service/src/rego/index.js';
import { minimalPolicyWasm } from '../bundles/helpers.js';

const inputFor = (method: string) => buildPolicyInput({ issuer: 'i', scopes: [], claims: {} }, { id: 's', resource: 'r' }, { method }, undefined, 0);

async function module(data: Record<string, unknown> = {}): Promise<WasmEvaluable> {
  const wasm = await minimalPolicyWasm();
  return compileWasm({ modules: [], data: data as never, files: [], revision: 'r', wasm }).wasm;
}

test('entrypoint names follow opa build -e', () => {
  assert.equal(wasmEntrypointName('data.mcp.authz.decision'), 'mcp/authz/decision');
});

test('the decision entrypoint is interpreted as the Rego engine interprets it', async () => {
  const engine = createWasmPolicyEngine({ policy: await module(), revision: 'r' });
  assert.deepEqual(engine.evaluate(inputFor('tools/list')), { allow: true, reasons: [], required_scopes: [] });
  assert.deepEqual(engine.evaluate(inputFor('tools/call')), { allow: false, reasons: ['only tools/list is open'], required_scopes: ['tools:call'] });
});

test('an entrypoint the module lacks falls back to the allow rule; without either the answer is policy_undefined', async () => {
  const policy = await module();
  const fallback = createWasmPolicyEngine({ policy, revision: 'r', entrypoint: 'data.mcp.authz.missing' });
  assert.deepEqual(fallback.evaluate(inputFor('tools/call')), { allow: true, reasons: [], required_scopes: [] });
  const none = createWasmPolicyEngine({ policy, revision: 'r', entrypoint: 'data.mcp.authz.missing', fallbackEntrypoint: null });
  assert.deepEqual(none.evaluate(inputFor('tools/call')), { allow: false, reasons: ['policy_undefined'], required_scopes: [] });
});

test('the bundle data reaches the module; a non-decision value fails closed', async () => {
  const engine = createWasmPolicyEngine({ policy: await module({ open: ['x'] }), revision: 'r', entrypoint: 'data.mcp.authz.data' });
  const d = engine.evaluate(inputFor('tools/list'));
  assert.equal(d.allow, false);
  assert.equal(d.error?.code, 'policy_invalid_result');
});

test('an evaluation that runs past the time left is denied as a time limit, and spends the budget', async () => {
  let clock = 0;
  const engine = createWasmPolicyEngine({ policy: await module(), revision: 'r', now: () => (clock += 30) });
  const budget = new EvalBudget({ maxSteps: 1000, maxBytes: 1000, timeoutMs: 50 });
  // First call: 30 ms of 50 → allowed; second: 30 ms with 20 left → over.
  assert.equal(engine.evaluate(inputFor('tools/list'), budget).allow, true);
  assert.equal(budget.ms, 20);
  const over = engine.evaluate(inputFor('tools/list'), budget);
  assert.deepEqual([over.allow, over.reasons, over.error?.code], [false, ['evaluation_limit_exceeded: time'], 'eval_timeout_error']);
  // Nothing left: refused before the module runs.
  const before = clock;
  const none = engine.evaluate(inputFor('tools/list'), budget);
  assert.equal(none.error?.code, 'eval_timeout_error');
  assert.equal(clock, before);
});

test('a module that throws fails closed with wasm_eval_error', () => {
  const policy: WasmEvaluable = { entrypoints: { 'mcp/authz/decision': 0 }, evaluate: () => { throw 'opa_abort: boom'; } };
  const d = createWasmPolicyEngine({ policy, revision: 'r' }).evaluate(inputFor('tools/list'));
  assert.deepEqual([d.allow, d.reasons, d.error], [false, ['policy_error: wasm_eval_error'], { code: 'wasm_eval_error', message: 'opa_abort: boom' }]);
});

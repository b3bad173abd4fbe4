// The service's PolicyCompiler: a bundle's policy.wasm through opa-wasm, anything else with the Rego engine.
import { createRequire } from 'node:module';
import type { WasmEvaluable } from '../decisions/index.js';
import { createRegoCompiler, type CompiledWasmPolicy, type LoadedPolicy, type PolicyCompiler } from '../policy/index.js';
import type { EvalLimits } from '../rego/index.js';
import { BundleError } from './errors.js';

// The package's ESM entry exports only loadPolicy; its CommonJS entry has the synchronous loader
// that a synchronous compile step needs.
const { loadPolicySync } = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof import('@open-policy-agent/opa-wasm');

const PAGE = 64 * 1024;
/** opa-wasm's default first size (5 pages). */
const INITIAL_PAGES = 5;

export interface PolicyCompilerOptions {
  /** Limits of Rego evaluation (steps, depth, time, bytes). */
  limits?: EvalLimits;
  /** Most bytes a wasm module's memory may grow to (its data, input and evaluation together). */
  wasmMaxMemoryBytes?: number;
}

/** Instantiates a module with the bundle's data; a module that does not load is a bundle error. */
export function compileWasm(loaded: LoadedPolicy & { wasm: Uint8Array }, maxMemoryBytes?: number): CompiledWasmPolicy {
  const maximum = maxMemoryBytes !== undefined ? Math.max(INITIAL_PAGES, Math.ceil(maxMemoryBytes / PAGE)) : undefined;
  let policy;
  try {
    policy = loadPolicySync(loaded.wasm, { initial: INITIAL_PAGES, ...(maximum !== undefined ? { maximum } : {}) });
    policy.setData(loaded.data);
  } catch (e) {
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : String((e as { message?: unknown } | null)?.message ?? e);
    throw new BundleError('bundle_invalid', `the wasm module does not load: ${message}`, 'policy.wasm');
  }
  const wasm: WasmEvaluable = {
    entrypoints: policy.entrypoints as Record<string, number>,
    evaluate: (input, entrypoint) => policy.evaluate(input, entrypoint) as unknown,
  };
  // The Rego sources a wasm bundle carries are what it was built from: the module decides alone.
  return { wasm, runTests: () => [] };
}

export function createPolicyCompiler(options: PolicyCompilerOptions = {}): PolicyCompiler {
  const rego = createRegoCompiler(options.limits);
  return (loaded) => (loaded.wasm !== undefined ? compileWasm({ ...loaded, wasm: loaded.wasm }, options.wasmMaxMemoryBytes) : rego(loaded));
}

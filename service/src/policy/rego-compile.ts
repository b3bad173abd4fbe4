// The production PolicyCompiler: compiles loaded sources with the Rego engine (tests run by reload).
import { compilePolicy, type EvalLimits } from '../rego/index.js';
import type { PolicyCompiler } from './reload.js';

/** A compiler bound to evaluation limits (steps, depth, time) applied to every decision. */
export function createRegoCompiler(limits?: EvalLimits): PolicyCompiler {
  return (loaded) => compilePolicy({ modules: loaded.modules, data: loaded.data, ...(limits ? { limits } : {}) });
}

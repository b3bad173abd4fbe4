// Public door of the runtime: the decision path's parts composed from the configuration.
export { createDecisionRuntime } from './decision-runtime.js';
export type { DecisionRuntime, DecisionRuntimeOptions } from './decision-runtime.js';
export { createConfiguredSinks } from './log-sinks.js';
export type { ConfiguredSinks } from './log-sinks.js';

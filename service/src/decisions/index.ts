// Public door of the decisions package: input building, engine adapter, caches, the decision service.
export type {
  BatchDecisionRequest,
  DataAnswer,
  DecisionAction,
  DecisionLogRecord,
  DecisionLogWriter,
  DecisionOutcome,
  DecisionRequest,
  DecisionResponse,
  DecisionSubject,
  EngineDecision,
  PolicyEngine,
  PolicyEngineSource,
  PolicyInput,
  RevocationChecker,
  ServerRef,
  TokenValidationResult,
  TokenValidator,
  ValidatedSubject,
} from './types.js';
export type { ExplainMode } from '../rego/index.js';
export type { DecisionCache, DecisionCacheKeyParts, DecisionCacheOptions } from './decision-cache.js';
export type { EvaluablePolicy, RegoEngineOptions } from './rego-engine.js';
export type { DecisionService, DecisionServiceOptions, EvaluationBudget } from './service.js';
export type { CacheBackingOptions, CacheResult, CacheSource, Computed } from './tiered-cache.js';
export { buildPolicyInput } from './policy-input.js';
export { canonicalJson, hashToken } from '@mcp-authz/contract';
export { interpretResult, failClosed } from './interpret-result.js';
export { createRegoPolicyEngine, DEFAULT_ENTRYPOINT, DEFAULT_FALLBACK_ENTRYPOINT } from './rego-engine.js';
export { createWasmPolicyEngine, wasmEntrypointName } from './wasm-engine.js';
export type { WasmEngineOptions, WasmEvaluable } from './wasm-engine.js';
export { createDecisionCache, decisionTtlSeconds } from './decision-cache.js';
export { createDecisionService } from './service.js';
export { createDataQueries, DataQueryError } from './data-queries.js';
export type { DataQueries, DataQueryOptions, DataQueryResult } from './data-queries.js';
export { createSharedValidationCache, fromTokensValidator, revocationQueryHook } from './tokens-bridge.js';
export type { ServerTokenValidator, SharedValidationCacheOptions } from './tokens-bridge.js';

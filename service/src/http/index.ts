// Public door of the HTTP layer.
export { createApp } from './app.js';
export type { AppDeps, CheckResult, ReadinessCheck } from './deps.js';
export type { Access, MountDefinition, RouteDefinition, RouteModule } from './route-types.js';
export { ROUTE_MODULES } from './routes/index.js';
export { loadContract, CONTRACT_FILE } from './contract.js';
export type { BodyValidator, Contract } from './contract.js';
export { HttpProblem, PROBLEMS } from './problems.js';
export type { ProblemCode } from './problems.js';
export { callerOf } from './request-state.js';
export { requestIdOf } from './request-state.js';

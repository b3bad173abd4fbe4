// Reads of policy documents for the OPA Data API: the current revision, one evaluation budget per
// request (the same limits as decisions), a decision id per query, and the evaluation metrics.
import { AuthzServiceError, type ServiceErrorCode } from '../errors/index.js';
import { randomUUID } from 'node:crypto';
import { EvalBudget, limitOfCode } from '../rego/index.js';
import { noopMetrics, silentLogger, type Logger, type MetricsHooks } from '../hooks/index.js';
import type { EvaluationBudget } from './service.js';
import type { DataAnswer, PolicyEngineSource } from './types.js';

export interface DataQueryOptions {
  engines: PolicyEngineSource;
  /** What one query may spend (steps, bytes built, milliseconds); absent: the engine's own limits. */
  evaluationBudget?: EvaluationBudget;
  metrics?: MetricsHooks;
  logger?: Logger;
  newId?: () => string;
}

export interface DataQueryResult {
  decision_id: string;
  revision: string;
  answer: DataAnswer;
}

/** A query that could not be answered: no revision loaded, or its evaluation failed (code, location). */
export class DataQueryError extends AuthzServiceError {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly location?: { file: string; row: number; col: number },
  ) {
    super(message);
    this.name = 'DataQueryError';
  }
}

export interface DataQueries {
  /** The document at `path` under `data`; `input` undefined when the request gave none. Throws DataQueryError. */
  query(path: readonly (string | number)[], input: unknown): DataQueryResult;
}

export function createDataQueries(options: DataQueryOptions): DataQueries {
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const newId = options.newId ?? randomUUID;
  const { evaluationBudget } = options;

  return {
    query(path, input) {
      const engine = options.engines.current();
      if (engine === undefined) throw new DataQueryError('policy_not_loaded', 'no policy revision is loaded');
      const budget = evaluationBudget ? new EvalBudget(evaluationBudget) : undefined;
      const t0 = performance.now();
      try {
        const answer = engine.query(path, input, budget);
        return { decision_id: newId(), revision: engine.revision, answer };
      } catch (e) {
        const code: ServiceErrorCode = e instanceof AuthzServiceError ? e.code : 'eval_internal_error';
        const message = e instanceof Error ? e.message : String(e);
        metrics.increment('mcp_authz_policy_evaluation_errors_total', { code });
        const limit = limitOfCode(code);
        if (limit) metrics.increment('mcp_authz_evaluation_limit_total', { limit });
        logger.warn({ code, err: message, revision: engine.revision }, 'data api evaluation failed');
        const loc = (e as { location?: { file?: unknown; row?: unknown; col?: unknown } } | null)?.location;
        const location = loc && typeof loc.file === 'string' && typeof loc.row === 'number' && typeof loc.col === 'number'
          ? { file: loc.file, row: loc.row, col: loc.col }
          : undefined;
        throw new DataQueryError(code, message, location);
      } finally {
        metrics.observe('mcp_authz_policy_evaluation_seconds', (performance.now() - t0) / 1000);
      }
    },
  };
}

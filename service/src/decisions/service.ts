// The decision service: revocation → token validation → policy (through the cache) → response + log.
import { randomUUID } from 'node:crypto';
import { EvalBudget, limitOfCode } from '../rego/index.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import type { DecisionCache } from './decision-cache.js';
import type { Computed } from './tiered-cache.js';
import { buildPolicyInput } from './policy-input.js';
import { hashToken } from '@mcp-authz/contract';
import type { ExplainMode } from '../rego/index.js';
import type {
  BatchDecisionRequest,
  DecisionAction,
  DecisionLogWriter,
  DecisionOutcome,
  DecisionRequest,
  DecisionResponse,
  EngineDecision,
  PolicyEngine,
  PolicyEngineSource,
  RevocationChecker,
  ServerRef,
  TokenValidator,
  ValidatedSubject,
} from './types.js';

export interface DecisionServiceOptions {
  /** Validator for the named server (production: the tokens package's, via fromTokensValidator; it caches). */
  validateToken: TokenValidator;
  engines: PolicyEngineSource;
  /** Omit to evaluate every request. */
  cache?: DecisionCache;
  revocations: RevocationChecker;
  /** Upper bound on ttl_seconds when there is no cache (with a cache it has its own maximum). */
  maxTtlSeconds: number;
  decisionLog?: DecisionLogWriter;
  metrics?: MetricsHooks;
  logger?: Logger;
  now?: () => number;
  newId?: () => string;
  /** What the evaluations of one request (all the actions of a batch) may spend together. */
  evaluationBudget?: EvaluationBudget;
}

export interface EvaluationBudget {
  maxSteps: number;
  maxBytes: number;
  timeoutMs: number;
}

export interface DecisionService {
  decide(request: DecisionRequest): Promise<DecisionResponse>;
  /** Validates the token once; results are in the order of `actions`. */
  decideBatch(request: BatchDecisionRequest): Promise<DecisionResponse[]>;
}

type Validation = { ok: true; subject: ValidatedSubject; tokenHash: string } | { ok: false; reason: string; tokenHash: string };

const NO_REVISION = '';

/** A decision-cache key built before validation, and its shared-store lookup when one was started. */
interface Prefetch {
  key: string;
  revision: string;
  shared?: Promise<Computed<EngineDecision> | undefined>;
}

export function createDecisionService(options: DecisionServiceOptions): DecisionService {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const { revocations, engines, cache } = options;
  const newBudget = (): EvalBudget | undefined => (options.evaluationBudget ? new EvalBudget(options.evaluationBudget) : undefined);

  // Revocations are checked before every cache: first by token hash, then by (iss, jti) once the
  // claims are known (the validation itself may come from the token cache).
  async function validate(token: string, server: ServerRef, tokenHash: string): Promise<Validation> {
    if (revocations.isTokenRevoked(tokenHash)) return { ok: false, reason: 'token_revoked', tokenHash };
    const r = await options.validateToken(token, server, tokenHash);
    if (!r.ok) return { ok: false, reason: r.code, tokenHash };
    if (r.subject.jti !== undefined && revocations.isJtiRevoked(r.subject.issuer, r.subject.jti)) {
      return { ok: false, reason: 'token_revoked', tokenHash };
    }
    return { ok: true, subject: r.subject, tokenHash };
  }

  /**
   * With a shared cache, the decision's shared-store lookup starts before the token is validated, so
   * the two round trips overlap. The entry is used only once validation (revocation first) has passed.
   */
  function prefetch(
    tokenHash: string,
    server: ServerRef,
    action: DecisionAction,
    context: Record<string, unknown> | undefined,
  ): Prefetch | undefined {
    const engine = engines.current();
    if (!cache || !engine) return undefined;
    const key = cache.keyFor({ tokenHash, serverId: server.id, action, context, revision: engine.revision });
    const shared = cache.prefetch(key);
    return shared === undefined ? { key, revision: engine.revision } : { key, revision: engine.revision, shared };
  }

  async function evaluate(
    v: Extract<Validation, { ok: true }>,
    server: ServerRef,
    action: DecisionAction,
    context: Record<string, unknown> | undefined,
    early: Prefetch | undefined,
    budget: EvalBudget | undefined,
    uncached = false,
  ): Promise<{ decision: EngineDecision; revision: string; ttl: number; cacheHit: boolean }> {
    const engine = engines.current();
    if (!engine) {
      return { decision: { allow: false, reasons: ['policy_not_loaded'], required_scopes: [] }, revision: NO_REVISION, ttl: 0, cacheHit: false };
    }
    if (!cache || uncached) {
      const decision = run(engine, v.subject, server, action, context, budget);
      const ttl = decision.error ? 0 : Math.min(decision.ttl_seconds ?? options.maxTtlSeconds, options.maxTtlSeconds, expLeft(v.subject.exp));
      return { decision, revision: engine.revision, ttl: Math.max(0, ttl), cacheHit: false };
    }
    // The prefetched key stands while the revision it was built for is still the current one.
    const fresh = early?.revision === engine.revision ? early : undefined;
    const key = fresh?.key ?? cache.keyFor({ tokenHash: v.tokenHash, serverId: server.id, action, context, revision: engine.revision });
    // An in-process hit needs no evaluation closure and no extra await.
    const r = cache.peek(key) ?? (await cache.getOrEvaluate(key, v.subject.exp, () => run(engine, v.subject, server, action, context, budget), fresh?.shared));
    // Rounded: a fresh entry reports its full ttl even when a millisecond has passed.
    const ttl = Math.max(0, Math.round((r.expiresAt - now()) / 1000));
    return { decision: r.value, revision: engine.revision, ttl, cacheHit: r.source !== 'computed' };
  }

  function run(
    engine: PolicyEngine,
    subject: ValidatedSubject,
    server: ServerRef,
    action: DecisionAction,
    context: Record<string, unknown> | undefined,
    budget: EvalBudget | undefined,
  ): EngineDecision {
    const t0 = performance.now();
    const d = engine.evaluate(buildPolicyInput(subject, server, action, context, now()), budget);
    metrics.observe('mcp_authz_policy_evaluation_seconds', (performance.now() - t0) / 1000);
    noteError(engine, server, d);
    return d;
  }

  function noteError(engine: PolicyEngine, server: ServerRef, d: EngineDecision): void {
    if (!d.error) return;
    metrics.increment('mcp_authz_policy_evaluation_errors_total', { code: d.error.code });
    const limit = limitOfCode(d.error.code);
    if (limit) metrics.increment('mcp_authz_evaluation_limit_total', { limit });
    logger.error({ code: d.error.code, err: d.error.message, server: server.id, revision: engine.revision }, 'policy evaluation failed; denying');
  }

  function expLeft(exp: number | undefined): number {
    return exp === undefined ? Number.POSITIVE_INFINITY : Math.floor(exp - now() / 1000);
  }

  function finish(
    started: number,
    server: ServerRef,
    action: DecisionAction,
    outcome: DecisionOutcome,
    decision: EngineDecision,
    revision: string,
    ttl: number,
    cacheHit: boolean,
    subject: ValidatedSubject | undefined,
  ): DecisionResponse {
    const response: DecisionResponse = {
      decision_id: newId(),
      outcome,
      allow: outcome === 'allow',
      reasons: decision.reasons,
      required_scopes: decision.required_scopes,
      ttl_seconds: ttl,
      policy_revision: revision,
      cached: cacheHit,
    };
    if (subject) {
      response.subject = { scopes: subject.scopes };
      if (subject.sub !== undefined) response.subject.sub = subject.sub;
      if (subject.client_id !== undefined) response.subject.client_id = subject.client_id;
      if (subject.exp !== undefined) response.subject.exp = subject.exp;
    }
    metrics.increment('mcp_authz_decisions_total', { outcome, cache: cacheHit ? 'hit' : 'miss' });
    if (options.decisionLog) {
      try {
        options.decisionLog.write({
          decision_id: response.decision_id,
          time: new Date(started).toISOString(),
          server: server.id,
          method: action.method,
          ...(action.tool !== undefined ? { tool: action.tool } : {}),
          ...(typeof action.prompt === 'string' ? { prompt: action.prompt } : {}),
          ...(typeof action.resource === 'string' ? { resource: action.resource } : {}),
          ...(action.arguments !== undefined ? { arguments: action.arguments } : {}),
          ...(subject ? { subject: { sub: subject.sub, client_id: subject.client_id, issuer: subject.issuer, scopes: subject.scopes } } : {}),
          outcome,
          reasons: response.reasons,
          policy_revision: revision,
          latency_ms: now() - started,
          cache_hit: cacheHit,
        });
      } catch (e) {
        // Logging must never fail a decision.
        logger.error({ err: e instanceof Error ? e.message : String(e) }, 'decision log write failed');
      }
    }
    return response;
  }

  function invalid(started: number, server: ServerRef, action: DecisionAction, reason: string): DecisionResponse {
    const revision = engines.current()?.revision ?? NO_REVISION;
    return finish(started, server, action, 'invalid_token', { allow: false, reasons: [reason], required_scopes: [] }, revision, 0, false, undefined);
  }

  async function decideOne(
    started: number,
    v: Validation,
    server: ServerRef,
    action: DecisionAction,
    context: Record<string, unknown> | undefined,
    early: Prefetch | undefined,
    budget: EvalBudget | undefined,
    uncached = false,
  ): Promise<DecisionResponse> {
    if (!v.ok) return invalid(started, server, action, v.reason);
    const r = await evaluate(v, server, action, context, early, budget, uncached);
    const outcome: DecisionOutcome = r.decision.allow ? 'allow' : 'deny';
    return finish(started, server, action, outcome, r.decision, r.revision, r.ttl, r.cacheHit, v.subject);
  }

  /**
   * A decision with its explanation: evaluated afresh, around the decision cache (neither read nor
   * filled), so the trace is of this very evaluation and an explained answer is never served to others.
   */
  async function decideExplained(request: DecisionRequest, mode: ExplainMode): Promise<DecisionResponse> {
    const started = now();
    const tokenHash = hashToken(request.token);
    const v = await validate(request.token, request.server, tokenHash);
    if (!v.ok) return invalid(started, request.server, request.action, v.reason);
    const engine = engines.current();
    if (!engine?.explain) return decideOne(started, v, request.server, request.action, request.context, undefined, newBudget(), true);
    const t0 = performance.now();
    const input = buildPolicyInput(v.subject, request.server, request.action, request.context, now());
    const { decision, explanation } = engine.explain(input, mode, newBudget());
    metrics.observe('mcp_authz_policy_evaluation_seconds', (performance.now() - t0) / 1000);
    noteError(engine, request.server, decision);
    const ttl = decision.error ? 0 : Math.max(0, Math.min(decision.ttl_seconds ?? options.maxTtlSeconds, options.maxTtlSeconds, expLeft(v.subject.exp)));
    const response = finish(started, request.server, request.action, decision.allow ? 'allow' : 'deny', decision, engine.revision, ttl, false, v.subject);
    response.explanation = explanation;
    return response;
  }

  return {
    async decide(request) {
      if (request.explain !== undefined) return decideExplained(request, request.explain);
      const started = now();
      const tokenHash = hashToken(request.token);
      const early = prefetch(tokenHash, request.server, request.action, request.context);
      const v = await validate(request.token, request.server, tokenHash);
      return decideOne(started, v, request.server, request.action, request.context, early, newBudget());
    },
    async decideBatch(request) {
      const started = now();
      const tokenHash = hashToken(request.token);
      const early = request.actions.map((a) => prefetch(tokenHash, request.server, a, request.context));
      const v = await validate(request.token, request.server, tokenHash);
      const budget = newBudget();
      return Promise.all(request.actions.map((a, i) => decideOne(started, v, request.server, a, request.context, early[i], budget)));
    },
  };
}

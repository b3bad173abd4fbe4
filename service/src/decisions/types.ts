// Types of the decision path: requests, responses, the validated subject and the policy engine seam.
import type { components } from '@mcp-authz/contract';
import type { EvalBudget, ExplainMode } from '../rego/index.js';

/** The explanation of an evaluation, as the decision API returns it. */
export type DecisionExplanation = components['schemas']['Explanation'];

/** A protected MCP server as the registry knows it (only what the policy input needs). */
export interface ServerRef {
  id: string;
  resource: string;
}

/** What token validation yields for an accepted token. */
export interface ValidatedSubject {
  sub?: string;
  client_id?: string;
  issuer: string;
  scopes: string[];
  /** All verified claims (or introspection fields), as the policy sees them. */
  claims: Record<string, unknown>;
  /** Expiry in seconds since the epoch, when the token has one. */
  exp?: number;
  jti?: string;
}

export type TokenValidationResult =
  | { ok: true; subject: ValidatedSubject }
  | { ok: false; code: string; reason: string };

/**
 * Validates a bearer token **for the named server** (trusted issuer, audience holds its resource).
 * Resolves `{ ok: false }` for bad tokens; rejects only on programming errors. `tokenHash` is
 * hashToken(token), already computed by the caller, so a request hashes its token once.
 */
export type TokenValidator = (token: string, server: ServerRef, tokenHash?: string) => Promise<TokenValidationResult>;

/** The MCP request being authorised (validated at the HTTP edge). */
/**
 * The MCP request being decided. Besides the named members, a caller may send any other member;
 * every one reaches the policy's `input.action` unchanged (DESIGN.md).
 */
export interface DecisionAction {
  method: string;
  tool?: string;
  prompt?: string;
  resource?: string;
  arguments?: Record<string, unknown>;
  [member: string]: unknown;
}

export interface DecisionRequest {
  token: string;
  server: ServerRef;
  action: DecisionAction;
  /** Caller-supplied context (e.g. client_ip); `time` is always set by the service. */
  context?: Record<string, unknown>;
  /** Explain the evaluation (admins only, checked at the edge); bypasses the decision cache. */
  explain?: ExplainMode;
}

export interface BatchDecisionRequest {
  token: string;
  server: ServerRef;
  actions: DecisionAction[];
  context?: Record<string, unknown>;
}

export type DecisionOutcome = 'allow' | 'deny' | 'invalid_token';

/** Subject echoed to the SDK so it can fill MCP AuthInfo without another round trip. */
export interface DecisionSubject {
  sub?: string;
  client_id?: string;
  scopes: string[];
  exp?: number;
}

/** The DESIGN.md decision response. `subject` is absent for `invalid_token`. */
export interface DecisionResponse {
  decision_id: string;
  outcome: DecisionOutcome;
  allow: boolean;
  reasons: string[];
  required_scopes: string[];
  ttl_seconds: number;
  policy_revision: string;
  /** The policy answer came from the decision cache (in-process or shared). */
  cached: boolean;
  subject?: DecisionSubject;
  /** Requests with `explain` whose policy was evaluated. */
  explanation?: DecisionExplanation;
}

/** The document Rego sees as `input` (DESIGN.md "Policy input"). */
export interface PolicyInput {
  subject: { sub?: string; client_id?: string; issuer: string; scopes: string[]; claims: Record<string, unknown> };
  server: { id: string; resource: string };
  action: DecisionAction;
  context: Record<string, unknown> & { time: string };
}

/** A policy answer after normalisation; evaluation problems arrive as a deny with `error`. */
export interface EngineDecision {
  allow: boolean;
  reasons: string[];
  required_scopes: string[];
  ttl_seconds?: number;
  error?: { code: string; message: string };
}

/** A document read through the OPA Data API: its JSON value, or why there is none. */
export type DataAnswer =
  | { defined: true; value: unknown }
  /** `declared`: rules define the path (OPA's "document undefined") rather than nothing at all ("document missing"). */
  | { defined: false; declared: boolean };

/** One compiled policy revision; evaluate never throws (fail closed). */
export interface PolicyEngine {
  readonly revision: string;
  readonly gitCommit?: string;
  /** `budget`: what the request's evaluations may still spend together (one per request). */
  evaluate(input: PolicyInput, budget?: EvalBudget): EngineDecision;
  /**
   * The document at `path` under `data` (OPA's Data API), with `input` when given. Unlike evaluate,
   * evaluation errors throw (a RegoError with its code and location): the caller answers them.
   */
  query(path: readonly (string | number)[], input: unknown, budget?: EvalBudget): DataAnswer;
  /** evaluate with an explanation (engines that can trace their evaluation). */
  explain?(input: PolicyInput, mode: ExplainMode, budget?: EvalBudget): { decision: EngineDecision; explanation: DecisionExplanation };
}

/** Where the decision service gets the revision to use right now (swapped by policy reload). */
export interface PolicyEngineSource {
  current(): PolicyEngine | undefined;
}

/** Revocation lookups on the hot path: synchronous, answered from the in-process mirror. */
export interface RevocationChecker {
  isTokenRevoked(tokenHash: string): boolean;
  isJtiRevoked(issuer: string, jti: string): boolean;
}

/** One decision as the decision log records it (arguments unmasked here; sinks get them masked). */
export interface DecisionLogRecord {
  decision_id: string;
  time: string;
  server: string;
  method: string;
  tool?: string;
  prompt?: string;
  resource?: string;
  arguments?: Record<string, unknown>;
  subject?: { sub?: string; client_id?: string; issuer: string; scopes: string[] };
  outcome: DecisionOutcome;
  reasons: string[];
  policy_revision: string;
  latency_ms: number;
  cache_hit: boolean;
}

/** Accepts records without blocking; implementations buffer and deliver in the background. */
export interface DecisionLogWriter {
  write(record: DecisionLogRecord): void;
}

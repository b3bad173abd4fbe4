// Metric hooks the decision path reports through; the HTTP layer binds them to its registry.

export type MetricType = 'counter' | 'histogram' | 'gauge';

/** One metric the decision infrastructure emits: registered once by whoever owns the registry. */
export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  labelNames: readonly string[];
  /** Histogram buckets in the metric's unit. */
  buckets?: readonly number[];
}

/** Every metric emitted by store, decisions, revocation, policy reload and decision logs. */
export const METRIC_DEFINITIONS = [
  { name: 'mcp_authz_decisions_total', type: 'counter', help: 'Decisions by outcome and cache use', labelNames: ['outcome', 'cache'] },
  {
    name: 'mcp_authz_policy_evaluation_seconds',
    type: 'histogram',
    help: 'Time spent evaluating the policy entrypoint',
    labelNames: [],
    // A reference-policy decision takes about 10–70 µs: the low buckets resolve that range.
    buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  },
  { name: 'mcp_authz_policy_evaluation_errors_total', type: 'counter', help: 'Policy evaluations that failed closed, by error code', labelNames: ['code'] },
  { name: 'mcp_authz_evaluation_limit_total', type: 'counter', help: 'Policy evaluations denied because their request ran out of budget, by limit (steps, time, memory)', labelNames: ['limit'] },
  { name: 'mcp_authz_decision_cache_lookups_total', type: 'counter', help: 'Decision cache lookups by layer and result', labelNames: ['layer', 'result'] },
  { name: 'mcp_authz_token_cache_lookups_total', type: 'counter', help: 'Token validation cache lookups by layer and result', labelNames: ['layer', 'result'] },
  { name: 'mcp_authz_store_errors_total', type: 'counter', help: 'Shared store operations that failed and were degraded', labelNames: ['operation'] },
  { name: 'mcp_authz_store_up', type: 'gauge', help: '1 when the shared store (Redis) is reachable', labelNames: [] },
  { name: 'mcp_authz_revocations', type: 'gauge', help: 'Revocations in the in-process mirror', labelNames: [] },
  { name: 'mcp_authz_policy_reloads_total', type: 'counter', help: 'Policy reload attempts by result', labelNames: ['result'] },
  { name: 'mcp_authz_policy_revision_matches_cluster', type: 'gauge', help: '1 when this replica serves the winning revision among live replicas', labelNames: [] },
  { name: 'mcp_authz_policy_bundle_rejected_total', type: 'counter', help: 'Policy bundles refused (malformed, unsigned when required, bad signature), by code', labelNames: ['code'] },
  { name: 'mcp_authz_policy_bundle_fetches_total', type: 'counter', help: 'Polls of the policy bundle server by result (updated, not_modified, error)', labelNames: ['result'] },
  { name: 'mcp_authz_policy_source_drift', type: 'gauge', help: '1 when the served policy revision is not the policy directory\'s', labelNames: [] },
  {
    name: 'mcp_authz_decision_logs_total',
    type: 'counter',
    help: 'Decision log records by sink and stage (produced, delivered, spilled, replayed, dropped with a reason); produced + replayed = delivered + spilled + dropped + pending',
    labelNames: ['sink', 'stage', 'reason'],
  },
  { name: 'mcp_authz_decision_logs_pending', type: 'gauge', help: 'Decision log records waiting, by sink and place (buffer, queue, redis; redis is the shared backlog)', labelNames: ['sink', 'where'] },
  { name: 'mcp_authz_decision_logs_pending_bytes', type: 'gauge', help: 'Serialized bytes of the decision log records waiting, by sink and place', labelNames: ['sink', 'where'] },
  { name: 'mcp_authz_decision_logs_spill_bytes', type: 'gauge', help: 'Bytes in a sink\'s spill file', labelNames: ['sink'] },
  { name: 'mcp_authz_decision_log_failures_total', type: 'counter', help: 'Failed decision log deliveries (retried), by sink', labelNames: ['sink'] },
] as const satisfies readonly MetricDefinition[];

export type MetricName = (typeof METRIC_DEFINITIONS)[number]['name'];
export type MetricLabels = Readonly<Record<string, string>>;

/** What instrumented code calls; implementations must never throw. */
export interface MetricsHooks {
  increment(name: MetricName, labels?: MetricLabels, by?: number): void;
  observe(name: MetricName, value: number, labels?: MetricLabels): void;
  set(name: MetricName, value: number, labels?: MetricLabels): void;
}

export const noopMetrics: MetricsHooks = {
  increment: () => undefined,
  observe: () => undefined,
  set: () => undefined,
};

/** Records everything in memory: for tests and for `GET /v1/policies`-style summaries. */
export interface RecordingMetrics extends MetricsHooks {
  /** Sum of increments (counters) or last value (gauges) for name + exact labels. */
  value(name: MetricName, labels?: MetricLabels): number;
  /** Observations of a histogram. */
  observations(name: MetricName): number[];
}

function labelKey(name: string, labels: MetricLabels | undefined): string {
  const parts = Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`);
  return `${name}{${parts.join(',')}}`;
}

export function createRecordingMetrics(): RecordingMetrics {
  const values = new Map<string, number>();
  const obs = new Map<string, number[]>();
  return {
    increment(name, labels, by = 1) {
      const key = labelKey(name, labels);
      values.set(key, (values.get(key) ?? 0) + by);
    },
    observe(name, value) {
      const list = obs.get(name) ?? [];
      list.push(value);
      obs.set(name, list);
    },
    set(name, value, labels) {
      values.set(labelKey(name, labels), value);
    },
    value: (name, labels) => values.get(labelKey(name, labels)) ?? 0,
    observations: (name) => obs.get(name) ?? [],
  };
}

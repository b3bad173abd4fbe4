// The Prometheus registry of one service instance. Each feature adds its own metrics to it with a
// `create…Metrics(registry)` function next to the feature; nothing registers on import.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type MetricsRegistry = Registry;

/** A fresh registry with the process metrics (CPU, memory, event loop). */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
}

/** The registry's metric of that name, created on first use (two apps may share one registry). */
export function metricOnce<T>(registry: MetricsRegistry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createHttpMetrics(registry: MetricsRegistry): HttpMetrics {
  return {
    requests: metricOnce(registry, 'mcp_authz_http_requests_total', () => new Counter({
      name: 'mcp_authz_http_requests_total',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    })),
    duration: metricOnce(registry, 'mcp_authz_http_request_duration_seconds', () => new Histogram({
      name: 'mcp_authz_http_request_duration_seconds',
      help: 'HTTP request latency by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    })),
  };
}

// Public door of the hooks package: metrics and logging interfaces injected into core modules.
export type { LogFields, Logger } from './logger.js';
export type { MetricDefinition, MetricLabels, MetricName, MetricType, MetricsHooks, RecordingMetrics } from './metrics.js';
export { silentLogger } from './logger.js';
export { METRIC_DEFINITIONS, createRecordingMetrics, noopMetrics } from './metrics.js';
export { createPromMetricsHooks } from './prom-metrics.js';

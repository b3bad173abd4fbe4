// Binds the metric hooks to a prom-client registry (the HTTP layer's), registering every definition once.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_DEFINITIONS, type MetricLabels, type MetricName, type MetricsHooks } from './metrics.js';

type Instrument = Counter<string> | Gauge<string> | Histogram<string>;

export function createPromMetricsHooks(registry: Registry): MetricsHooks {
  const instruments = new Map<string, Instrument>();
  for (const d of METRIC_DEFINITIONS) {
    const common = { name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] };
    const existing = registry.getSingleMetric(d.name) as Instrument | undefined;
    if (existing) instruments.set(d.name, existing);
    else if (d.type === 'counter') instruments.set(d.name, new Counter(common));
    else if (d.type === 'gauge') instruments.set(d.name, new Gauge(common));
    else instruments.set(d.name, new Histogram({ ...common, ...('buckets' in d ? { buckets: [...d.buckets] } : {}) }));
  }
  const get = (name: MetricName) => instruments.get(name);
  return {
    increment(name, labels?: MetricLabels, by = 1) {
      const m = get(name);
      if (m instanceof Counter || m instanceof Gauge) m.inc({ ...labels }, by);
    },
    observe(name, value, labels?: MetricLabels) {
      const m = get(name);
      if (m instanceof Histogram) m.observe({ ...labels }, value);
    },
    set(name, value, labels?: MetricLabels) {
      const m = get(name);
      if (m instanceof Gauge) m.set({ ...labels }, value);
    },
  };
}

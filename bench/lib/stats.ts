// Percentiles and formatting shared by the benchmark scripts.

/** The q-quantile (0..1) of the samples (nearest rank). */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Fixed-width number for aligned tables. */
export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits).padStart(10);
}

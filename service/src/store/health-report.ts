// Reports the shared store's reachability as a gauge and one log line per transition.
import type { Logger, MetricsHooks } from '../hooks/index.js';
import type { SharedStore } from './types.js';

/** Starts reporting; returns a function that stops it. */
export function reportStoreHealth(store: SharedStore, metrics: MetricsHooks, logger: Logger): () => void {
  metrics.set('mcp_authz_store_up', store.healthy() ? 1 : 0);
  return store.onHealthChange((healthy) => {
    metrics.set('mcp_authz_store_up', healthy ? 1 : 0);
    if (healthy) logger.info({ store: store.kind }, 'shared store reachable');
    else logger.warn({ store: store.kind }, 'shared store unreachable; deciding without the shared cache');
  });
}

// Decision cache: key from token hash, server, action, context and revision; TTL bounded three ways.
import { hash } from 'node:crypto';
import { canonicalJson } from '@mcp-authz/contract';
import { createNamespacedCache, type CacheBackingOptions, type CacheResult, type Computed } from './tiered-cache.js';
import type { DecisionAction, EngineDecision } from './types.js';

export interface DecisionCacheKeyParts {
  tokenHash: string;
  serverId: string;
  action: DecisionAction;
  /** The caller's context as sent (without the service-set time). */
  context: Record<string, unknown> | undefined;
  revision: string;
}

export interface DecisionCacheOptions extends CacheBackingOptions {
  /** Upper bound on any cached decision, seconds. 0 disables caching. */
  maxTtlSeconds: number;
}

export interface DecisionCache {
  keyFor(parts: DecisionCacheKeyParts): string;
  /** The in-process entry for `key`, if any: lets a hit skip building the evaluation. */
  peek(key: string): CacheResult<EngineDecision> | undefined;
  /**
   * Starts the shared-store lookup early, e.g. while the token is being validated (the entry is
   * only ever used after validation succeeds). Undefined when there is nothing to look up: no
   * shared store, or the entry is already in process.
   */
  prefetch(key: string): Promise<Computed<EngineDecision> | undefined> | undefined;
  /**
   * Returns the cached decision or evaluates it once for all concurrent identical requests.
   * `tokenExp` (seconds) bounds the lifetime; errors are never cached. `prefetched`: prefetch(key).
   */
  getOrEvaluate(
    key: string,
    tokenExp: number | undefined,
    evaluate: () => EngineDecision,
    prefetched?: Promise<Computed<EngineDecision> | undefined>,
  ): Promise<CacheResult<EngineDecision>>;
  clearLocal(): void;
}

/** Seconds a decision may live: min(policy ttl_seconds, token exp, configured maximum). */
export function decisionTtlSeconds(decision: EngineDecision, tokenExp: number | undefined, maxTtlSeconds: number, nowMs: number): number {
  if (decision.error) return 0;
  let ttl = maxTtlSeconds;
  if (decision.ttl_seconds !== undefined) ttl = Math.min(ttl, decision.ttl_seconds);
  if (tokenExp !== undefined) ttl = Math.min(ttl, Math.floor(tokenExp - nowMs / 1000));
  return Math.max(0, ttl);
}

export function createDecisionCache(options: DecisionCacheOptions): DecisionCache {
  const now = options.now ?? Date.now;
  const cache = createNamespacedCache<EngineDecision>(options, 'decisions:', 'mcp_authz_decision_cache_lookups_total');
  return {
    keyFor(p) {
      // Hashed so that large arguments do not become large Redis keys.
      return hash('sha256', `${p.tokenHash}\n${p.serverId}\n${canonicalJson(p.action)}\n${canonicalJson(p.context ?? {})}\n${p.revision}`, 'hex');
    },
    peek: (key) => cache.peek(key),
    prefetch: (key) => cache.prefetch(key),
    getOrEvaluate(key, tokenExp, evaluate, prefetched) {
      return cache.getOrCompute(key, () => {
        const t = now();
        const value = evaluate();
        const ttl = decisionTtlSeconds(value, tokenExp, options.maxTtlSeconds, t);
        return { value, expiresAt: t + ttl * 1000 };
      }, prefetched);
    },
    clearLocal: () => cache.clearLocal(),
  };
}

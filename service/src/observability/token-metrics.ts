// Token validation outcomes and key fetches as Prometheus metrics and logs, wired as a TokenObserver.
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { TokenObserver } from '../tokens/index.js';
import type { MetricsRegistry } from './metrics.js';

export function createTokenObserver(registry: MetricsRegistry, logger: Logger): TokenObserver {
  const validations = new Counter({
    name: 'mcp_authz_token_validations_total',
    help: 'Token validations by token kind and outcome (valid, or the reason it was refused)',
    labelNames: ['kind', 'outcome', 'cached'],
    registers: [registry],
  });
  const fetches = new Counter({
    name: 'mcp_authz_key_fetches_total',
    help: 'JWKS and discovery metadata fetches by issuer, source and result',
    labelNames: ['issuer', 'source', 'result'],
    registers: [registry],
  });
  // Warned once per claimed value (bounded), since every such token would repeat it.
  const nearMisses = new Set<string>();
  return {
    onIssuerNearMiss: (e) => {
      if (nearMisses.has(e.claimed) || nearMisses.size >= 100) return;
      nearMisses.add(e.claimed);
      logger.warn({ claimed: e.claimed, configured: e.configured }, 'tokens name an issuer that differs from a configured one only by a trailing slash; configure the issuer exactly as the tokens name it');
    },
    onValidation: (e) => validations.inc({ kind: e.kind, outcome: e.outcome, cached: String(e.cached) }),
    onKeyFetch: (e) => {
      fetches.inc({ issuer: e.issuer, source: e.source, result: e.ok ? 'ok' : 'failed' });
      if (!e.ok) logger.warn({ issuer: e.issuer, source: e.source, error: e.error }, 'key fetch failed');
    },
    onUnexpectedError: (error) => logger.error({ err: error }, 'unexpected token validation failure'),
  };
}

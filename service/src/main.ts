// Composition root: builds the service's parts from a validated configuration, wires them into the
// HTTP app, and runs it with a graceful shutdown.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createCallerFailureThrottle } from './callers/index.js';
import { createRegistry } from './config/registry.js';
import { fromTokensValidator } from './decisions/index.js';
import { createPromMetricsHooks } from './hooks/index.js';
import type { AuthzConfig } from './config/types.js';
import { createApp } from './http/app.js';
import { loadContract } from './http/contract.js';
import type { AppDeps, ReadinessCheck } from './http/deps.js';
import type { RouteModule } from './http/route-types.js';
import { createLogger } from './observability/logger.js';
import { createMetricsRegistry } from './observability/metrics.js';
import { createLazyOAuthServer } from './oauth/index.js';
import { createRedisProbe } from './observability/redis-probe.js';
import { describeRedis } from './redis/index.js';
import { createTokenObserver } from './observability/token-metrics.js';
import { createDecisionRuntime, type DecisionRuntime } from './runtime/index.js';
import { createTokenValidator, type FetchLike, type TokenValidationCache } from './tokens/index.js';

export interface ServiceOptions {
  config: AuthzConfig;
  logger?: Logger;
  /** Replaces the in-memory token validation cache (e.g. a shared Redis-backed one). */
  tokenCache?: TokenValidationCache;
  routes?: readonly RouteModule[];
  fetch?: FetchLike;
  now?: () => number;
  /** Policy directory watching (tests poll with a short debounce). */
  policyWatch?: { mode?: 'auto' | 'watch' | 'poll'; debounceMs?: number };
}

export interface Service {
  app: RequestListener;
  deps: AppDeps;
  /** The decision path's parts: shared store, revocations, policies, decision logs. */
  runtime: DecisionRuntime;
  /** Connects to Redis, loads the policies and starts background work (startService calls it). */
  start(): Promise<void>;
  /** Registers cleanup run at shutdown, last registered first. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export function createService(options: ServiceOptions): Service {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const metrics = createMetricsRegistry();
  const registry = createRegistry(config);
  const runtime = createDecisionRuntime({
    config,
    logger,
    metrics: createPromMetricsHooks(metrics),
    ...(options.now ? { now: options.now } : {}),
    ...(options.policyWatch?.mode !== undefined ? { watchMode: options.policyWatch.mode } : {}),
    ...(options.policyWatch?.debounceMs !== undefined ? { watchDebounceMs: options.policyWatch.debounceMs } : {}),
  });
  const tokens = createTokenValidator({
    config,
    registry,
    cache: options.tokenCache ?? runtime.tokenCache,
    isRevoked: runtime.isRevoked,
    observer: createTokenObserver(metrics, logger),
    fetch: options.fetch,
    now: options.now,
  });
  const redis = createRedisProbe(runtime.redis);
  const closers: (() => Promise<void> | void)[] = [() => redis.close(), () => runtime.close()];
  const oauth = config.oauth.enabled
    ? createLazyOAuthServer({ config, registry, store: runtime.store, revocations: runtime.revocations, logger, ...(options.fetch ? { fetch: options.fetch } : {}) })
    : undefined;
  if (oauth !== undefined) closers.push(() => oauth.close());

  const readiness: ReadinessCheck[] = [
    { name: 'config', critical: true, check: () => ({ status: 'ok' }) },
    {
      name: 'policies',
      critical: true,
      check: () => {
        const s = runtime.policies.status();
        if (s.revision === undefined) return { status: 'not_ready', detail: 'no policy revision loaded', last_reload: s.lastReload?.result };
        return { status: 'ok', revision: s.revision, ...(s.cluster ? { cluster_matches: s.cluster.matches } : {}) };
      },
    },
    redis.check,
    ...(oauth !== undefined ? [{ name: 'oauth', critical: false, check: () => oauth.status() }] : []),
    {
      name: 'issuers',
      critical: false,
      check: () => {
        const issuers = tokens.keyStatus();
        const healthy = Object.values(issuers).every((s) => s.state === 'fresh' || s.state === 'stale' || s.state === 'not_loaded');
        return { status: healthy ? 'ok' : 'degraded', issuers };
      },
    },
  ];

  // Shared across replicas through the runtime's store (Redis when configured).
  const throttle = createCallerFailureThrottle({
    store: runtime.store,
    maxFailures: config.http.auth_throttle.max_failures,
    maxFailuresPerCaller: config.http.auth_throttle.max_failures_per_caller,
    windowSeconds: config.http.auth_throttle.window_seconds,
    now: options.now,
  });
  closers.push(() => throttle.close());

  const deps: AppDeps = {
    config,
    registry,
    tokens,
    logger,
    metrics,
    contract: loadContract(),
    throttle,
    readiness,
    decisions: {
      service: runtime.decisionService(fromTokensValidator(tokens, (id) => registry.servers.get(id))),
      revocations: runtime.revocations,
      policies: runtime.policies,
      data: runtime.dataQueries(),
    },
    ...(oauth !== undefined ? { oauth } : {}),
    routes: options.routes,
  };

  return {
    app: createApp(deps),
    deps,
    runtime,
    start: async () => {
      await runtime.start();
      await throttle.start();
      await oauth?.start();
    },
    onClose: (fn) => {
      closers.push(fn);
    },
    close: async () => {
      for (const fn of closers.reverse()) await fn();
    },
  };
}

export interface RunningService {
  service: Service;
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to the shutdown timeout), cleans up. */
  close(): Promise<void>;
}

/** Creates the service and listens on the configured host and port. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const service = createService(options);
  const { config } = options;
  const server = createServer(service.app);
  try {
    await service.start();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await service.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  // Keys load in the background: start-up never waits on an identity provider.
  void service.deps.tokens.warm();
  service.deps.logger.info({ url, issuers: config.issuers.length, servers: config.servers.length, callers: config.callers.length, redis: service.runtime.redis !== undefined ? describeRedis(service.runtime.redis) : false }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= (async () => {
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), config.http.shutdown_timeout_ms);
    await done;
    clearTimeout(timer);
    await service.close();
  })());
  return { service, server, url, close };
}

// The decision path's moving parts built from the configuration: shared store (Redis, else memory),
// revocation mirror, policy reloader (+ git pull), decision log pipeline and the decision service.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createBundleLoader, createBundlePoller, createPolicyCompiler, type BundlePoller, type BundlePollResult } from '../bundles/index.js';
import { ConfigError } from '../config/errors.js';
import type { AuthzConfig } from '../config/types.js';
import {
  createDataQueries,
  createDecisionCache,
  createDecisionService,
  createSharedValidationCache,
  revocationQueryHook,
  type DataQueries,
  type DecisionService,
  type TokenValidator,
} from '../decisions/index.js';
import {
  createArgumentMasker,
  createDecisionLogBuffer,
  createMemoryLogTransport,
  type ArgumentMasker,
  type DecisionLogBuffer,
  type DecisionLogTransport,
} from '../decision-logs/index.js';
import type { Logger, MetricsHooks } from '../hooks/index.js';
import { createBullmqLogTransport, startGitPullScheduler, type GitPullScheduler } from '../jobs/index.js';
import { createPolicyReloader, loadPolicySources, pullPolicyRepo, type PolicyReloader, type PolicySourceLoader } from '../policy/index.js';
import { queuePrefix, redisConnectionFromConfig, type RedisConnection } from '../redis/index.js';
import { createRevocationList, tokenLifetimes, type RevocationList } from '../revocation/index.js';
import { createMemoryStore, createRedisStore, reportStoreHealth, type RedisStore, type SharedStore } from '../store/index.js';
import type { RevocationQuery, TokenValidationCache } from '../tokens/index.js';
import { createConfiguredSinks } from './log-sinks.js';

export interface DecisionRuntimeOptions {
  config: AuthzConfig;
  logger: Logger;
  metrics: MetricsHooks;
  now?: () => number;
  /** Relative sink and policy paths resolve against this directory (default: process.cwd()). */
  cwd?: string;
  /** Policy watch tuning (tests use polling with a short debounce). */
  watchMode?: 'auto' | 'watch' | 'poll';
  watchDebounceMs?: number;
}

export interface DecisionRuntime {
  /** Where Redis is, as configured; undefined without Redis. Every Redis user connects to this. */
  readonly redis?: RedisConnection;
  readonly store: SharedStore;
  readonly revocations: RevocationList;
  readonly policies: PolicyReloader;
  /** The decision log writer; undefined when no sink is configured. */
  readonly decisionLogs?: DecisionLogBuffer;
  /** Token validation cache over the shared store (Redis only; otherwise the tokens package's own). */
  readonly tokenCache?: TokenValidationCache;
  /** The tokens package's revocation hook, answered from the in-process mirror. */
  readonly isRevoked: (query: RevocationQuery) => boolean;
  /** The decision service over the given token validator. */
  decisionService(validateToken: TokenValidator): DecisionService;
  /** Policy document reads for the OPA Data API, under the same per-request budget as decisions. */
  dataQueries(): DataQueries;
  /** Connects, loads policies and starts background work; resolves even when Redis is down. */
  start(): Promise<void>;
  /** Polls the bundle server now (policies.bundle.url); undefined without one or before start(). */
  pollBundle(): Promise<BundlePollResult | undefined>;
  /** Waits (bounded) until every decision log record so far has reached every sink. */
  drainDecisionLogs(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How long start-up waits for a first Redis connection before deciding without it. */
const REDIS_START_WAIT_MS = 2_000;
const QUEUE_DEPTH_POLL_MS = 5_000;
const SHUTDOWN_DRAIN_MS = 2_000;

function masker(paths: readonly string[]): ArgumentMasker {
  try {
    return createArgumentMasker({ paths });
  } catch (e) {
    throw new ConfigError([{ path: 'decision_logs.mask_paths', message: e instanceof Error ? e.message : String(e) }]);
  }
}

export function createDecisionRuntime(options: DecisionRuntimeOptions): DecisionRuntime {
  const { config, logger, metrics } = options;
  const cwd = options.cwd ?? process.cwd();
  // Every Redis user below (store, pub/sub, queues, schedulers) connects through this one description.
  const redis: RedisConnection | undefined = redisConnectionFromConfig(config.redis, cwd);
  const bullPrefix = redis !== undefined ? queuePrefix(redis, config.redis.key_prefix) : `${config.redis.key_prefix}bull`;
  const redisStore: RedisStore | undefined = redis !== undefined ? createRedisStore({ connection: redis, prefix: config.redis.key_prefix }) : undefined;
  const store: SharedStore = redisStore ?? createMemoryStore(options.now ? { now: options.now } : {});
  const lifetimes = tokenLifetimes(config.issuers);
  const revocations = createRevocationList({
    store, metrics, logger, defaultTtlSeconds: lifetimes.longest, lifetimeOf: lifetimes.of, ...(options.now ? { now: options.now } : {}),
  });
  // The policy source: the directory, or an OPA bundle (a file, or a bundle server's archive
  // downloaded into a private directory that the reloader reads like a file source).
  const bundle = config.policies.bundle;
  const bundleFile = bundle?.file !== undefined ? resolve(cwd, bundle.file) : undefined;
  const downloadDir = bundle?.url !== undefined ? join(tmpdir(), `mcp-authz-bundle-${randomUUID()}`) : undefined;
  const policyDir = bundleFile !== undefined ? dirname(bundleFile) : downloadDir ?? resolve(cwd, config.policies.dir);
  const load: PolicySourceLoader = bundle
    ? createBundleLoader({ name: bundleFile !== undefined ? basename(bundleFile) : 'bundle.tar.gz', verification: bundle.signing, metrics })
    : loadPolicySources;
  const policies = createPolicyReloader({
    dir: policyDir,
    load,
    compile: createPolicyCompiler({ wasmMaxMemoryBytes: config.decisions.max_evaluation_bytes }),
    entrypoint: config.decisions.entrypoint,
    fallbackEntrypoint: config.decisions.fallback_entrypoint,
    ...(redis !== undefined ? { store } : {}),
    // A downloaded bundle changes only when the poller writes it, and the poller reloads then.
    watch: config.policies.watch && downloadDir === undefined,
    pollIntervalMs: config.policies.check_interval_seconds * 1000,
    ...(options.watchMode !== undefined ? { watchMode: options.watchMode } : {}),
    ...(options.watchDebounceMs !== undefined ? { debounceMs: options.watchDebounceMs } : {}),
    metrics,
    logger,
  });
  const maxTtl = config.cache.decision_max_ttl_seconds;
  const cache = maxTtl > 0
    ? createDecisionCache({ store, maxTtlSeconds: maxTtl, lruSize: config.cache.decision_lru_entries, lruOnly: redis === undefined, metrics, logger, ...(options.now ? { now: options.now } : {}) })
    : undefined;
  const tokenCache = redis !== undefined
    ? createSharedValidationCache({ store, lruSize: config.cache.token_max_entries, metrics, logger, ...(options.now ? { now: options.now } : {}) })
    : undefined;

  // The transport is built at start(), after the file sinks' dedupe sets are seeded from their files;
  // until then enqueued batches wait for it (the buffer never blocks a decision).
  const configured = config.decision_logs.sinks.length > 0 ? createConfiguredSinks(config.decision_logs.sinks, cwd) : undefined;
  let transport: DecisionLogTransport | undefined;
  let transportReady: (t: DecisionLogTransport) => void = () => undefined;
  const transportPromise = new Promise<DecisionLogTransport>((r) => (transportReady = r));
  const decisionLogs = configured
    ? createDecisionLogBuffer({
      transport: {
        sinks: configured.sinks.map((s) => s.name),
        enqueue: async (batch) => (await transportPromise).enqueue(batch),
        depth: async () => (transport ? transport.depth() : {}),
        drain: async (ms) => (transport ? transport.drain(ms) : true),
        close: async () => transport?.close(),
      },
      masker: masker(config.decision_logs.mask_paths),
      maxBuffered: config.decision_logs.buffer_max_records,
      maxBufferedBytes: config.decision_logs.buffer_max_bytes,
      metrics,
      logger,
    })
    : undefined;

  let started = false;
  let gitPull: GitPullScheduler | undefined;
  let bundlePoller: BundlePoller | undefined;
  let policiesStarted = false;
  let depthTimer: NodeJS.Timeout | undefined;
  let offHealth: (() => void) | undefined;

  function buildTransport(): DecisionLogTransport {
    const sinks = configured!.sinks;
    const logs = config.decision_logs;
    const limits = { maxRecords: logs.queue_max_records, maxBytes: logs.queue_max_bytes, spillMaxBytes: logs.spill_max_bytes };
    const spillPath = logs.spill_path !== undefined
      ? resolve(cwd, logs.spill_path)
      : join(tmpdir(), 'mcp-authz', `decision-logs-spill-${config.http.port}.jsonl`);
    if (redis === undefined) return createMemoryLogTransport({ sinks, limits, spillPath, metrics, logger });
    return createBullmqLogTransport({
      redis, prefix: bullPrefix, sinks, spillPath, limits, metrics, logger,
      waitForReplicas: config.redis.wait_for_replicas ?? 0, waitTimeoutMs: config.redis.wait_timeout_ms ?? 1_000,
    });
  }

  async function pullAndReload(): Promise<void> {
    const commit = await pullPolicyRepo({ url: config.policies.git_url!, branch: config.policies.git_branch, dir: policyDir });
    const attempt = await policies.reload();
    logger.info({ commit, result: attempt.result, revision: attempt.revision }, 'policy git pull');
  }

  const evaluationBudget = {
    maxSteps: config.decisions.max_evaluation_steps,
    maxBytes: config.decisions.max_evaluation_bytes,
    timeoutMs: config.decisions.evaluation_timeout_ms,
  };

  return {
    ...(redis !== undefined ? { redis } : {}),
    store,
    revocations,
    policies,
    ...(decisionLogs ? { decisionLogs } : {}),
    ...(tokenCache ? { tokenCache } : {}),
    isRevoked: revocationQueryHook(revocations),
    decisionService(validateToken) {
      return createDecisionService({
        validateToken,
        engines: policies,
        ...(cache ? { cache } : {}),
        revocations,
        maxTtlSeconds: maxTtl,
        ...(decisionLogs ? { decisionLog: decisionLogs } : {}),
        metrics,
        logger,
        ...(options.now ? { now: options.now } : {}),
        evaluationBudget,
      });
    },
    dataQueries() {
      return createDataQueries({ engines: policies, evaluationBudget, metrics, logger });
    },
    async start() {
      if (started) return;
      started = true;
      if (redisStore) {
        const ready = await redisStore.waitReady(REDIS_START_WAIT_MS);
        if (!ready) logger.warn({}, 'redis not reachable at start; deciding without the shared cache');
      }
      offHealth = reportStoreHealth(store, metrics, logger);
      await revocations.start();
      if (configured) {
        await configured.seed();
        transport = buildTransport();
        transportReady(transport);
        if (redis !== undefined) {
          depthTimer = setInterval(() => void transport?.depth().catch(() => undefined), QUEUE_DEPTH_POLL_MS);
          depthTimer.unref();
        }
      }
      if (config.policies.git_url !== undefined) {
        // The first pull precedes the first load, so a replica that starts with an empty directory
        // serves the repository at once rather than after the first scheduled run.
        await pullPolicyRepo({ url: config.policies.git_url, branch: config.policies.git_branch, dir: policyDir }).catch((e: unknown) =>
          logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'initial policy git pull failed; loading the policy directory as it is'));
      }
      if (bundle?.url !== undefined && downloadDir !== undefined) {
        bundlePoller = createBundlePoller({
          url: bundle.url,
          target: join(downloadDir, 'bundle.tar.gz'),
          intervalMs: bundle.poll_seconds * 1000,
          timeoutMs: bundle.timeout_ms,
          onUpdate: () => (policiesStarted ? policies.reload() : Promise.resolve()),
          metrics,
          logger,
        });
      }
      // The first download precedes the first load (as the first git pull does), so a replica
      // serves the server's bundle at once; later downloads reload through onUpdate.
      await bundlePoller?.poll();
      await policies.start();
      policiesStarted = true;
      await bundlePoller?.start();
      if (config.policies.git_url !== undefined) {
        gitPull = await startGitPullScheduler({
          ...(redis !== undefined ? { redis, prefix: bullPrefix } : {}),
          intervalMs: config.policies.git_pull_interval_seconds * 1000,
          pull: pullAndReload,
          logger,
        });
      }
    },
    async pollBundle() {
      return bundlePoller?.poll();
    },
    async drainDecisionLogs(timeoutMs) {
      if (!decisionLogs || !transport) return true;
      await decisionLogs.flush();
      return transport.drain(timeoutMs);
    },
    async close() {
      if (depthTimer) clearInterval(depthTimer);
      await gitPull?.stop();
      bundlePoller?.stop();
      await policies.stop();
      if (downloadDir !== undefined) await rm(downloadDir, { recursive: true, force: true });
      if (started && decisionLogs && transport) {
        await decisionLogs.close();
        await transport.drain(SHUTDOWN_DRAIN_MS);
        await transport.close();
      }
      await revocations.stop();
      offHealth?.();
      await store.close();
    },
  };
}

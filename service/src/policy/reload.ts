// Policy hot reload: load → compile → run the policies' own tests → atomic swap; cluster-wide order
// of revisions over per-replica announcements that expire with their replica.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRegoPolicyEngine, createWasmPolicyEngine, type EvaluablePolicy, type PolicyEngine, type PolicyEngineSource, type WasmEvaluable,
} from '../decisions/index.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import type { SharedStore } from '../store/index.js';
import { createAnnouncementBoard, outranks, parseAnnouncement, type Announcement, type AnnouncementBoard } from './announcements.js';
import { isGitAncestor } from './git-commit.js';
import type { LoadedPolicy } from './loader.js';
import { bundleFromLoad, parseBundle, stageBundle } from './policy-bundle.js';
import { describeReloadError, portable, withPortableFiles, type PolicyReloadError } from './reload-errors.js';
import { watchPolicyDir, type PolicyWatcher } from './watch.js';

interface PolicyTests {
  runTests(): ReadonlyArray<{ name: string; passed: boolean; error?: { code: string; message: string } }>;
}

/** Rego compiled by the service's engine. */
export interface CompiledRegoPolicy extends EvaluablePolicy, PolicyTests {
  wasm?: undefined;
}

/** A wasm module (a bundle's policy.wasm) instantiated with its data. */
export interface CompiledWasmPolicy extends PolicyTests {
  wasm: WasmEvaluable;
}

/** The compiled form reload needs: evaluation plus the policies' own unit tests. */
export type CompiledPolicy = CompiledRegoPolicy | CompiledWasmPolicy;

/** Compiles loaded sources; throws (RegoCompileError with `errors`, or any coded error) on failure. */
export type PolicyCompiler = (loaded: LoadedPolicy) => CompiledPolicy;
export type PolicySourceLoader = (paths: readonly string[]) => Promise<LoadedPolicy>;

export type ReloadResult = 'accepted' | 'unchanged' | 'load_error' | 'compile_error' | 'test_failure';

export interface ReloadAttempt {
  result: ReloadResult;
  source: 'local' | 'cluster';
  revision?: string;
  at: string;
  errors: PolicyReloadError[];
}

/** The policy directory as last read: its revision and whether it could be served. */
export interface PolicySourceStatus {
  /** Absent when the directory could not be read or its data files not parsed. */
  revision?: string;
  gitCommit?: string;
  checkedAt: string;
  result: ReloadResult;
  errors: PolicyReloadError[];
}

/**
 * Why the served revision is not the directory's: the directory's content was rejected (it keeps
 * the last good revision serving), the cluster's order chose another replica's revision, or
 * nothing is served yet.
 */
export type PolicyDrift = 'source_rejected' | 'cluster_revision' | 'not_loaded';

/** What GET /v1/policies and readiness need. */
export interface PolicyReloadStatus {
  revision?: string;
  gitCommit?: string;
  loadedAt?: string;
  modules: string[];
  lastReload?: ReloadAttempt;
  source?: PolicySourceStatus;
  /** Whether the served revision is the policy directory's; `drift` says why not. */
  inSync: boolean;
  drift?: PolicyDrift;
  /** The winning revision among live replicas and whether this replica serves it. */
  cluster?: { revision: string; gitCommit?: string; matches: boolean };
}

export interface PolicyReloaderOptions {
  dir: string;
  load: PolicySourceLoader;
  compile: PolicyCompiler;
  entrypoint?: string;
  fallbackEntrypoint?: string | null;
  /** Shared store for cross-replica announcements; omit for a single process. */
  store?: SharedStore;
  /** Channel and key namespace; default `policy`. */
  channel?: string;
  watch?: boolean;
  watchMode?: 'auto' | 'watch' | 'poll';
  debounceMs?: number;
  /** Interval of the directory content check (beside fs.watch, or alone when polling). */
  pollIntervalMs?: number;
  /** How often this replica refreshes its announcement and checks the others'; default 5 s. */
  heartbeatMs?: number;
  /** Where bundles from other replicas are written before loading. Default: OS temp dir. */
  stagingDir?: string;
  metrics?: MetricsHooks;
  logger?: Logger;
  replicaId?: string;
}

export interface PolicyReloader extends PolicyEngineSource {
  readonly replicaId: string;
  /** Initial load, cluster subscription and watch. Never rejects: failures are in status(). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Reloads the policy directory now (reloads are serialised). */
  reload(): Promise<ReloadAttempt>;
  status(): PolicyReloadStatus;
}

interface Served {
  engine: PolicyEngine;
  modules: string[];
  loadedAt: string;
  /** The revision's place in the cluster order (see Announcement.rank). */
  rank: number;
}

const BUNDLE_TTL_MS = 7 * 24 * 3600 * 1000;
/** An announcement outlives a few missed heartbeats, no more. */
const HEARTBEATS_PER_TTL = 3;
const FAILED: ReadonlySet<ReloadResult> = new Set(['load_error', 'compile_error', 'test_failure']);

export function createPolicyReloader(options: PolicyReloaderOptions): PolicyReloader {
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const replicaId = options.replicaId ?? randomUUID();
  const ns = options.channel ?? 'policy';
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const stagingRoot = options.stagingDir ?? join(tmpdir(), `mcp-authz-policy-${replicaId}`);
  const { store } = options;
  const board: AnnouncementBoard | undefined = store
    ? createAnnouncementBoard({ store, ns, replicaId, ttlMs: heartbeatMs * HEARTBEATS_PER_TTL })
    : undefined;
  let served: Served | undefined;
  let source: PolicySourceStatus | undefined;
  let lastReload: ReloadAttempt | undefined;
  /** The highest-ranked announcement of another live replica, as last seen. */
  let best: Announcement | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let watcher: PolicyWatcher | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let offHealth: (() => void) | undefined;
  let stopped = false;
  let heartbeatFailing = false;
  /** The bundle of a claim whose store write failed; the heartbeat writes it before announcing. */
  let pendingBundle: { revision: string; text: string } | undefined;
  /** A cluster revision this replica could not install; retried only when a newer one is announced. */
  let refused: string | undefined;

  function serialise<T>(task: () => Promise<T>): Promise<T> {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  }

  function mine(): Announcement | undefined {
    if (!served) return undefined;
    const a: Announcement = { replica: replicaId, revision: served.engine.revision, rank: served.rank };
    if (served.engine.gitCommit !== undefined) a.gitCommit = served.engine.gitCommit;
    return a;
  }

  /** The winner among live replicas, this one included. */
  function winner(): Announcement | undefined {
    const own = mine();
    return best && outranks(best, own) ? best : own;
  }

  function drift(): PolicyDrift | undefined {
    if (!served) return 'not_loaded';
    if (source?.revision === served.engine.revision) return undefined;
    return source === undefined || FAILED.has(source.result) ? 'source_rejected' : 'cluster_revision';
  }

  function report(): void {
    metrics.set('mcp_authz_policy_source_drift', drift() === undefined ? 0 : 1);
    const w = board ? winner() : undefined;
    if (w) metrics.set('mcp_authz_policy_revision_matches_cluster', w.revision === served?.engine.revision ? 1 : 0);
  }

  function record(attempt: ReloadAttempt): ReloadAttempt {
    lastReload = attempt;
    metrics.increment('mcp_authz_policy_reloads_total', { result: attempt.result });
    if (attempt.errors.length > 0) logger.warn({ result: attempt.result, source: attempt.source, errors: attempt.errors }, 'policy reload rejected; serving the last good revision');
    else logger.info({ result: attempt.result, source: attempt.source, revision: attempt.revision }, 'policy reload');
    return attempt;
  }

  /** Compile → test → swap of loaded sources; `rank` places the revision in the cluster order. */
  function install(dir: string, loaded: LoadedPolicy, origin: ReloadAttempt['source'], rank: number, gitCommit?: string): ReloadAttempt {
    const at = new Date().toISOString();
    const revision = loaded.revision;
    if (served && served.engine.revision === revision) return record({ result: 'unchanged', source: origin, revision, at, errors: [] });
    let compiled: CompiledPolicy;
    try {
      compiled = options.compile(loaded);
    } catch (e) {
      return record({ result: 'compile_error', source: origin, revision, at, errors: withPortableFiles(dir, describeReloadError(e)) });
    }
    let failures: PolicyReloadError[];
    try {
      failures = compiled
        .runTests()
        .filter((t) => !t.passed)
        .map((t) => ({ code: t.error?.code ?? 'policy_test_failed', message: t.error ? `${t.name}: ${t.error.message}` : `${t.name} failed`, test: t.name }));
    } catch (e) {
      failures = describeReloadError(e);
    }
    if (failures.length > 0) return record({ result: 'test_failure', source: origin, revision, at, errors: failures });
    const commit = gitCommit ?? loaded.gitCommit;
    const common = {
      revision,
      ...(commit !== undefined ? { gitCommit: commit } : {}),
      ...(options.entrypoint !== undefined ? { entrypoint: options.entrypoint } : {}),
      ...(options.fallbackEntrypoint !== undefined ? { fallbackEntrypoint: options.fallbackEntrypoint } : {}),
    };
    served = {
      engine: compiled.wasm !== undefined ? createWasmPolicyEngine({ policy: compiled.wasm, ...common }) : createRegoPolicyEngine({ policy: compiled, ...common }),
      modules: loaded.modules.map((m) => portable(dir, m.path)),
      loadedAt: at,
      rank,
    };
    if (loaded.bundle) logger.info({ revision, bundle_revision: loaded.bundle.revision, signed: loaded.bundle.signed, wasm: loaded.wasm !== undefined }, 'policy bundle installed');
    return record({ result: 'accepted', source: origin, revision, at, errors: [] });
  }

  /**
   * Reads the policy directory. Only a change of its content is installed: content already seen
   * while the cluster's order chose another revision stays a drift, never a new claim.
   */
  async function loadSource(): Promise<{ attempt: ReloadAttempt; loaded?: LoadedPolicy }> {
    const at = new Date().toISOString();
    let loaded: LoadedPolicy;
    try {
      loaded = await options.load([options.dir]);
    } catch (e) {
      const errors = withPortableFiles(options.dir, describeReloadError(e));
      source = { checkedAt: at, result: 'load_error', errors };
      return { attempt: record({ result: 'load_error', source: 'local', at, errors }) };
    }
    const previous = source;
    if (previous?.revision === loaded.revision && served?.engine.revision !== loaded.revision) {
      previous.checkedAt = at;
      const result = FAILED.has(previous.result) ? previous.result : 'unchanged';
      return { attempt: { result, source: 'local', revision: loaded.revision, at, errors: previous.errors } };
    }
    const attempt = install(options.dir, loaded, 'local', 0);
    source = { revision: loaded.revision, checkedAt: at, result: attempt.result, errors: attempt.errors };
    if (loaded.gitCommit !== undefined) source.gitCommit = loaded.gitCommit;
    return attempt.result === 'accepted' ? { attempt, loaded } : { attempt };
  }

  const bundleKey = (revision: string): string => `${ns}:bundle:${revision}`;

  async function putMine(): Promise<void> {
    const own = mine();
    if (board && own && !stopped) await board.put(own);
  }

  /** Makes the directory's freshly loaded revision the newest in the cluster and tells the others. */
  async function claim(loaded: LoadedPolicy): Promise<void> {
    if (!served) return;
    served.rank = Math.max(Date.now(), (best?.rank ?? 0) + 1);
    if (!store) return;
    try {
      pendingBundle = { revision: loaded.revision, text: JSON.stringify(await bundleFromLoad(options.dir, loaded)) };
      await store.set(bundleKey(loaded.revision), pendingBundle.text, BUNDLE_TTL_MS);
      pendingBundle = undefined;
      await putMine();
      await store.publish(`${ns}:revisions`, JSON.stringify(mine()));
    } catch (e) {
      logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not announce the policy revision to other replicas');
    }
  }

  function reloadLocal(): Promise<ReloadAttempt> {
    return serialise(async () => {
      const r = await loadSource();
      if (r.loaded) await claim(r.loaded);
      report();
      return r.attempt;
    });
  }

  function noteAnnouncement(a: Announcement): void {
    if (a.replica !== replicaId && outranks(a, best)) best = a;
  }

  /** Serves a revision another replica announced, from the content it stored, if it outranks ours. */
  async function followNow(a: Announcement): Promise<void> {
    noteAnnouncement(a);
    if (served && !outranks(a, mine())) return;
    try {
      if (served?.engine.revision !== a.revision) {
        if (refused === a.revision) return;
        const text = store ? await store.get(bundleKey(a.revision)) : undefined;
        if (text === undefined) throw new Error(`bundle of revision ${a.revision} is not in the store`);
        const staged = await stageBundle(stagingRoot, parseBundle(text));
        const result = install(staged, await options.load([staged]), 'cluster', a.rank, a.gitCommit).result;
        if (result !== 'accepted') {
          refused = a.revision;
          return;
        }
      }
      served!.rank = a.rank;
      await putMine();
    } catch (e) {
      record({ result: 'load_error', source: 'cluster', revision: a.revision, at: new Date().toISOString(), errors: describeReloadError(e) });
    }
  }

  function follow(a: Announcement): Promise<void> {
    return serialise(async () => {
      await followNow(a);
      report();
    });
  }

  /** Refreshes this replica's announcement and follows a live replica that outranks it. */
  async function syncCluster(): Promise<void> {
    if (!board || !store || stopped) return;
    try {
      if (pendingBundle && pendingBundle.revision === served?.engine.revision) await store.set(bundleKey(pendingBundle.revision), pendingBundle.text, BUNDLE_TTL_MS);
      pendingBundle = undefined;
      // The content of a live revision stays loadable as long as some replica serves it.
      if (served) await store.expire(bundleKey(served.engine.revision), BUNDLE_TTL_MS);
      await putMine();
      const others = await board.live();
      best = undefined;
      for (const a of others) noteAnnouncement(a);
      if (best && outranks(best, mine())) await follow(best);
      heartbeatFailing = false;
    } catch (e) {
      // Once per outage: the store's own health reporting covers the rest.
      if (!heartbeatFailing) logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'policy announcement heartbeat failed');
      heartbeatFailing = true;
    }
    report();
  }

  /**
   * A starting replica's directory wins over the live cluster's revision unless its git commit is
   * an ancestor of the winner's; without live replicas it wins outright.
   */
  async function sourceWins(loaded: LoadedPolicy, w: Announcement): Promise<boolean> {
    if (loaded.gitCommit === undefined || w.gitCommit === undefined || loaded.gitCommit === w.gitCommit) return true;
    return (await isGitAncestor(options.dir, loaded.gitCommit, w.gitCommit)) !== true;
  }

  return {
    replicaId,
    current: () => served?.engine,
    async start() {
      if (store) {
        unsubscribe = await store
          .subscribe(`${ns}:revisions`, (text) => {
            const a = parseAnnouncement(text);
            if (a && a.replica !== replicaId) void follow(a);
          })
          .catch(() => undefined);
        offHealth = store.onHealthChange((healthy) => {
          if (healthy) void syncCluster();
        });
      }
      await serialise(async () => {
        const local = await loadSource();
        const others = board ? await board.live().catch(() => []) : [];
        for (const a of others) noteAnnouncement(a);
        if (best === undefined || (local.loaded && best.revision !== local.loaded.revision && (await sourceWins(local.loaded, best)))) {
          if (local.loaded) await claim(local.loaded);
        } else await followNow(best);
        report();
      });
      if (board) {
        heartbeat = setInterval(() => void syncCluster(), heartbeatMs);
        heartbeat.unref();
      }
      if (options.watch !== false) {
        watcher = watchPolicyDir({
          dir: options.dir,
          onChange: () => void reloadLocal(),
          ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
          ...(options.watchMode !== undefined ? { mode: options.watchMode } : {}),
          ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
        });
        await watcher.ready;
      }
    },
    async stop() {
      stopped = true;
      watcher?.close();
      if (heartbeat) clearInterval(heartbeat);
      offHealth?.();
      await unsubscribe?.().catch(() => undefined);
      await chain;
      await board?.withdraw().catch(() => undefined);
      await rm(stagingRoot, { recursive: true, force: true });
    },
    reload: reloadLocal,
    status() {
      const d = drift();
      const s: PolicyReloadStatus = { modules: served?.modules ?? [], inSync: d === undefined };
      if (d !== undefined) s.drift = d;
      if (served) {
        s.revision = served.engine.revision;
        if (served.engine.gitCommit !== undefined) s.gitCommit = served.engine.gitCommit;
        s.loadedAt = served.loadedAt;
      }
      if (lastReload) s.lastReload = lastReload;
      if (source) s.source = source;
      const w = board ? winner() : undefined;
      if (w) {
        s.cluster = { revision: w.revision, matches: w.revision === served?.engine.revision };
        if (w.gitCommit !== undefined) s.cluster.gitCommit = w.gitCommit;
      }
      return s;
    },
  };
}

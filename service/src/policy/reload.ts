// Policy hot reload: load → compile → run the policies' own tests → atomic swap; cluster-wide sync.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { createRegoPolicyEngine, type EvaluablePolicy, type PolicyEngine, type PolicyEngineSource } from '../decisions/index.js';
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import type { SharedStore } from '../store/index.js';
import type { LoadedPolicy } from './loader.js';
import { bundleFromLoad, parseBundle, stageBundle } from './policy-bundle.js';
import { watchPolicyDir, type PolicyWatcher } from './watch.js';

/** The compiled form reload needs: evaluation plus the policies' own unit tests. */
export interface CompiledPolicy extends EvaluablePolicy {
  runTests(): ReadonlyArray<{ name: string; passed: boolean; error?: { code: string; message: string } }>;
}

/** Compiles loaded sources; throws (RegoCompileError with `errors`, or any coded error) on failure. */
export type PolicyCompiler = (loaded: LoadedPolicy) => CompiledPolicy;
export type PolicySourceLoader = (paths: readonly string[]) => Promise<LoadedPolicy>;

export interface PolicyReloadError {
  code: string;
  message: string;
  file?: string;
  row?: number;
  col?: number;
  test?: string;
}

export type ReloadResult = 'accepted' | 'unchanged' | 'load_error' | 'compile_error' | 'test_failure';

export interface ReloadAttempt {
  result: ReloadResult;
  source: 'local' | 'cluster';
  revision?: string;
  at: string;
  errors: PolicyReloadError[];
}

/** What GET /v1/policies and readiness need. */
export interface PolicyReloadStatus {
  revision?: string;
  gitCommit?: string;
  loadedAt?: string;
  modules: string[];
  lastReload?: ReloadAttempt;
  /** The revision last announced in the cluster and whether this replica serves it. */
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
  pollIntervalMs?: number;
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

interface Announcement {
  revision: string;
  gitCommit?: string;
  replica: string;
}

interface Served {
  engine: PolicyEngine;
  modules: string[];
  loadedAt: string;
}

const BUNDLE_TTL_MS = 7 * 24 * 3600 * 1000;

/** A path as the policy directory sees it: status never shows the server's file layout. */
function portable(dir: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(dir, file);
  return rel === '' || rel.startsWith('..') ? file : rel.split(sep).join('/');
}

function withPortableFiles(dir: string, errors: PolicyReloadError[]): PolicyReloadError[] {
  return errors.map((x) => (x.file === undefined ? x : { ...x, file: portable(dir, x.file) }));
}

function describe(e: unknown): PolicyReloadError[] {
  const err = e as { code?: unknown; message?: unknown; file?: unknown; errors?: unknown };
  if (Array.isArray(err?.errors)) {
    return (err.errors as Array<{ code: string; message: string; location?: { file: string; row: number; col: number } }>).map((x) => ({
      code: x.code,
      message: x.message,
      ...(x.location ? { file: x.location.file, row: x.location.row, col: x.location.col } : {}),
    }));
  }
  const out: PolicyReloadError = {
    code: typeof err?.code === 'string' ? err.code : 'policy_load_error',
    message: e instanceof Error ? e.message : String(e),
  };
  if (typeof err?.file === 'string') out.file = err.file;
  return [out];
}

export function createPolicyReloader(options: PolicyReloaderOptions): PolicyReloader {
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const replicaId = options.replicaId ?? randomUUID();
  const ns = options.channel ?? 'policy';
  const stagingRoot = options.stagingDir ?? join(tmpdir(), `mcp-authz-policy-${replicaId}`);
  const { store } = options;
  let served: Served | undefined;
  let lastReload: ReloadAttempt | undefined;
  let cluster: Announcement | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let watcher: PolicyWatcher | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let offHealth: (() => void) | undefined;

  function serialise<T>(task: () => Promise<T>): Promise<T> {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  }

  function record(attempt: ReloadAttempt): ReloadAttempt {
    lastReload = attempt;
    metrics.increment('mcp_authz_policy_reloads_total', { result: attempt.result });
    reportMatch();
    if (attempt.errors.length > 0) logger.warn({ result: attempt.result, source: attempt.source, errors: attempt.errors }, 'policy reload rejected; serving the last good revision');
    else logger.info({ result: attempt.result, source: attempt.source, revision: attempt.revision }, 'policy reload');
    return attempt;
  }

  function reportMatch(): void {
    if (cluster) metrics.set('mcp_authz_policy_revision_matches_cluster', cluster.revision === served?.engine.revision ? 1 : 0);
  }

  /** The pipeline shared by local and cluster reloads: load → compile → test → swap. */
  async function attempt(dir: string, source: ReloadAttempt['source'], gitCommit?: string): Promise<{ attempt: ReloadAttempt; loaded?: LoadedPolicy }> {
    const at = new Date().toISOString();
    let loaded: LoadedPolicy;
    try {
      loaded = await options.load([dir]);
    } catch (e) {
      return { attempt: record({ result: 'load_error', source, at, errors: withPortableFiles(dir, describe(e)) }) };
    }
    const revision = loaded.revision;
    if (served && served.engine.revision === revision) return { attempt: record({ result: 'unchanged', source, revision, at, errors: [] }) };
    let compiled: CompiledPolicy;
    try {
      compiled = options.compile(loaded);
    } catch (e) {
      return { attempt: record({ result: 'compile_error', source, revision, at, errors: withPortableFiles(dir, describe(e)) }) };
    }
    let failures: PolicyReloadError[];
    try {
      failures = compiled
        .runTests()
        .filter((t) => !t.passed)
        .map((t) => ({ code: t.error?.code ?? 'policy_test_failed', message: t.error ? `${t.name}: ${t.error.message}` : `${t.name} failed`, test: t.name }));
    } catch (e) {
      failures = describe(e);
    }
    if (failures.length > 0) return { attempt: record({ result: 'test_failure', source, revision, at, errors: failures }) };
    const commit = gitCommit ?? loaded.gitCommit;
    served = {
      engine: createRegoPolicyEngine({
        policy: compiled,
        revision,
        ...(commit !== undefined ? { gitCommit: commit } : {}),
        ...(options.entrypoint !== undefined ? { entrypoint: options.entrypoint } : {}),
        ...(options.fallbackEntrypoint !== undefined ? { fallbackEntrypoint: options.fallbackEntrypoint } : {}),
      }),
      modules: loaded.modules.map((m) => portable(dir, m.path)),
      loadedAt: at,
    };
    return { attempt: record({ result: 'accepted', source, revision, at, errors: [] }), loaded };
  }

  async function announce(loaded: LoadedPolicy): Promise<void> {
    if (!store) return;
    try {
      const bundle = await bundleFromLoad(options.dir, loaded);
      const a: Announcement = { revision: loaded.revision, replica: replicaId, ...(loaded.gitCommit !== undefined ? { gitCommit: loaded.gitCommit } : {}) };
      await store.set(`${ns}:bundle:${loaded.revision}`, JSON.stringify(bundle), BUNDLE_TTL_MS);
      await store.set(`${ns}:current`, JSON.stringify(a), BUNDLE_TTL_MS);
      await store.publish(`${ns}:revisions`, JSON.stringify(a));
      cluster = a;
      reportMatch();
    } catch (e) {
      logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not announce the policy revision to other replicas');
    }
  }

  function reloadLocal(): Promise<ReloadAttempt> {
    return serialise(async () => {
      const r = await attempt(options.dir, 'local');
      if (r.attempt.result === 'accepted' && r.loaded) await announce(r.loaded);
      return r.attempt;
    });
  }

  /** Follows a revision another replica accepted, using the content it stored. */
  function follow(a: Announcement): Promise<void> {
    return serialise(async () => {
      cluster = a;
      if (served?.engine.revision === a.revision) return reportMatch();
      try {
        const text = store ? await store.get(`${ns}:bundle:${a.revision}`) : undefined;
        if (text === undefined) throw new Error(`bundle of revision ${a.revision} is not in the store`);
        const bundle = parseBundle(text);
        const staged = await stageBundle(stagingRoot, bundle);
        await attempt(staged, 'cluster', a.gitCommit);
      } catch (e) {
        record({ result: 'load_error', source: 'cluster', revision: a.revision, at: new Date().toISOString(), errors: describe(e) });
      }
    });
  }

  function parseAnnouncement(text: string): Announcement | undefined {
    try {
      const a = JSON.parse(text) as Partial<Announcement>;
      return typeof a.revision === 'string' && typeof a.replica === 'string' ? (a as Announcement) : undefined;
    } catch {
      return undefined;
    }
  }

  async function checkCurrent(): Promise<void> {
    if (!store) return;
    const text = await store.get(`${ns}:current`).catch(() => undefined);
    const a = text === undefined ? undefined : parseAnnouncement(text);
    if (a && a.revision !== served?.engine.revision) await follow(a);
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
          if (healthy) void checkCurrent();
        });
      }
      const first = await serialise(() => attempt(options.dir, 'local'));
      // A running cluster is the source of truth for a starting replica; the first replica seeds it.
      const existing = store ? await store.get(`${ns}:current`).catch(() => undefined) : undefined;
      if (existing === undefined && first.loaded) await announce(first.loaded);
      else await checkCurrent();
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
      watcher?.close();
      offHealth?.();
      await unsubscribe?.().catch(() => undefined);
      await chain;
      await rm(stagingRoot, { recursive: true, force: true });
    },
    reload: reloadLocal,
    status() {
      const s: PolicyReloadStatus = { modules: served?.modules ?? [] };
      if (served) {
        s.revision = served.engine.revision;
        if (served.engine.gitCommit !== undefined) s.gitCommit = served.engine.gitCommit;
        s.loadedAt = served.loadedAt;
      }
      if (lastReload) s.lastReload = lastReload;
      if (cluster) {
        s.cluster = { revision: cluster.revision, matches: cluster.revision === served?.engine.revision };
        if (cluster.gitCommit !== undefined) s.cluster.gitCommit = cluster.gitCommit;
      }
      return s;
    },
  };
}

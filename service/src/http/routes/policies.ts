// GET /v1/policies: the revision served, its modules, the last reload's result and errors, the
// policy directory's own revision and errors, and whether this replica serves the cluster's winner.
import type { PolicyReloadError, PolicyReloadStatus, PolicySourceStatus, ReloadAttempt } from '../../policy/index.js';
import type { RouteModule } from '../route-types.js';

function policyErrors(errors: readonly PolicyReloadError[]): Record<string, unknown>[] {
  return errors.map((e) => ({
    code: e.code,
    message: e.message,
    ...(e.file !== undefined ? { location: e.row !== undefined ? `${e.file}:${e.row}:${e.col ?? 0}` : e.file } : {}),
    ...(e.test !== undefined ? { test: e.test } : {}),
  }));
}

function lastReload(a: ReloadAttempt): Record<string, unknown> {
  return {
    result: a.result === 'accepted' || a.result === 'unchanged' ? 'ok' : 'failed',
    reason: a.result,
    source: a.source,
    at: a.at,
    ...(a.revision !== undefined ? { revision: a.revision } : {}),
    errors: policyErrors(a.errors),
  };
}

function sourceBody(s: PolicySourceStatus): Record<string, unknown> {
  return {
    revision: s.revision ?? null,
    ...(s.gitCommit !== undefined ? { git_commit: s.gitCommit } : {}),
    checked_at: s.checkedAt,
    result: s.result,
    errors: policyErrors(s.errors),
  };
}

/** The contract's Readiness.policy: served against source revision, no errors (the body is public). */
export function policyDriftBody(s: PolicyReloadStatus): Record<string, unknown> {
  return {
    served_revision: s.revision ?? null,
    source_revision: s.source?.revision ?? null,
    in_sync: s.inSync,
    ...(s.drift !== undefined ? { drift: s.drift } : {}),
  };
}

/** The contract's PolicyStatus from the reloader's status. */
export function policyStatusBody(s: PolicyReloadStatus): Record<string, unknown> {
  return {
    revision: s.revision ?? null,
    git_commit: s.gitCommit ?? null,
    in_sync: s.inSync,
    ...(s.drift !== undefined ? { drift: s.drift } : {}),
    ...(s.source !== undefined ? { source: sourceBody(s.source) } : {}),
    ...(s.loadedAt !== undefined ? { loaded_at: s.loadedAt } : {}),
    modules: s.modules.map((path) => ({ path })),
    ...(s.lastReload !== undefined ? { last_reload: lastReload(s.lastReload) } : {}),
    ...(s.cluster !== undefined
      ? { cluster: { revision: s.cluster.revision, git_commit: s.cluster.gitCommit ?? null, matches: s.cluster.matches } }
      : {}),
  };
}

export const policyRoutes: RouteModule = (deps) => {
  const decisions = deps.decisions;
  if (decisions === undefined) return [];
  return [
    {
      method: 'get',
      path: '/v1/policies',
      access: 'caller',
      handler: (_req, res) => {
        res.set('cache-control', 'no-store').json(policyStatusBody(decisions.policies.status()));
      },
    },
  ];
};

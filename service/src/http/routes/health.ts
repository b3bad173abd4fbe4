// GET /healthz (the process is alive), GET /readyz (able to decide; each check's state only) and
// GET /v1/readiness (admins: the same checks with their details). Non-critical checks such as Redis
// and issuer keys are reported but never make the service unready: it decides without them; neither
// does policy drift (the served revision is not the directory's), which is reported too.
import type { AppDeps, CheckResult } from '../deps.js';
import type { RouteModule } from '../route-types.js';
import { policyDriftBody } from './policies.js';

const CHECK_TIMEOUT_MS = 2_000;

async function run(check: () => Promise<CheckResult> | CheckResult): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', detail: 'check timed out' }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (err) {
    return { status: 'down', detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Every check's full result (details, issuer URLs, fetch errors), and whether the service is ready. */
async function readiness(deps: AppDeps): Promise<{ ready: boolean; body: Record<string, unknown>; states: Record<string, unknown> }> {
  const results = await Promise.all(deps.readiness.map(async (c) => [c.name, { ...(await run(() => c.check())), critical: c.critical }] as const));
  const ready = results.every(([, r]) => !r.critical || r.status === 'ok');
  const policies = deps.decisions?.policies;
  const common = { status: ready ? 'ready' : 'not_ready', ...(policies ? { policy: policyDriftBody(policies.status()) } : {}) };
  return {
    ready,
    body: { ...common, checks: Object.fromEntries(results) },
    // The public view: each check's state only. Details name issuer and sink URLs and carry the
    // text of fetch errors, which are for operators.
    states: { ...common, checks: Object.fromEntries(results.map(([name, r]) => [name, { status: r.status, critical: r.critical }])) },
  };
}

export const healthRoutes: RouteModule = (deps) => [
  {
    method: 'get',
    path: '/healthz',
    access: 'public',
    handler: (_req, res) => res.json({ status: 'ok' }),
  },
  {
    method: 'get',
    path: '/readyz',
    access: 'public',
    handler: async (_req, res) => {
      const { ready, states } = await readiness(deps);
      res.status(ready ? 200 : 503).set('cache-control', 'no-store').json(states);
    },
  },
  {
    method: 'get',
    path: '/v1/readiness',
    access: 'admin',
    handler: async (_req, res) => {
      // Always 200: the caller asked for the report, and `status` says whether the service is ready.
      const { body } = await readiness(deps);
      res.set('cache-control', 'no-store').json(body);
    },
  },
];

// GET /healthz (the process is alive) and GET /readyz (able to decide). Non-critical checks such as
// Redis and issuer keys are reported but never make the service unready: it decides without them;
// neither does policy drift (the served revision is not the directory's), which is reported too.
import type { CheckResult } from '../deps.js';
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
      const results = await Promise.all(deps.readiness.map(async (c) => [c.name, { ...(await run(() => c.check())), critical: c.critical }] as const));
      const ready = results.every(([, r]) => !r.critical || r.status === 'ok');
      const policies = deps.decisions?.policies;
      res.status(ready ? 200 : 503).set('cache-control', 'no-store').json({
        status: ready ? 'ready' : 'not_ready',
        checks: Object.fromEntries(results),
        ...(policies ? { policy: policyDriftBody(policies.status()) } : {}),
      });
    },
  },
];

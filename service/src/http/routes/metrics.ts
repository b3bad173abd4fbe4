// GET /metrics in the Prometheus text format; who may read it is configurable (metrics.access).
import type { RouteModule } from '../route-types.js';

export const metricsRoutes: RouteModule = (deps) => [
  {
    method: 'get',
    path: '/metrics',
    access: deps.config.metrics.access,
    handler: async (_req, res) => {
      res.set('content-type', deps.metrics.contentType).send(await deps.metrics.metrics());
    },
  },
];

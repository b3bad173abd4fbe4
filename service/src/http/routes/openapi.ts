// GET /openapi.json: the contract this service validates requests against.
import type { RouteModule } from '../route-types.js';

export const openapiRoutes: RouteModule = (deps) => {
  const json = JSON.stringify(deps.contract.document);
  return [
    {
      method: 'get',
      path: '/openapi.json',
      access: 'public',
      handler: (_req, res) => res.type('application/json').send(json),
    },
  ];
};

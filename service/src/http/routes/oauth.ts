// The built-in authorization server (when enabled), mounted at the root: it answers only its own
// paths (DESIGN.md) and lets every other request through.
import type { RouteModule } from '../route-types.js';

export const oauthRoutes: RouteModule = (deps) => (deps.oauth === undefined ? [] : [{ mount: '/', app: deps.oauth.handler }]);

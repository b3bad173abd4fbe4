// Public door of the service package: run the service from code (the CLI is `mcp-authz serve`).
export { createService, startService } from './main.js';
export type { RunningService, Service, ServiceOptions } from './main.js';

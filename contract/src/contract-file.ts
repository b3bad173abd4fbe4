// Where the OpenAPI document lives: beside src/ and dist/ alike, so sources and the package agree.
import { fileURLToPath } from 'node:url';

/** Absolute path of mcp-authz.yaml, the contract the service validates requests against. */
export const CONTRACT_FILE = fileURLToPath(new URL('../mcp-authz.yaml', import.meta.url));

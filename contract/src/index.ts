// Public door of @mcp-authz/contract: what the service and the SDK must agree on.
export type { components, operations, paths } from './generated/types.js';
export { canonicalJson } from './canonical-json.js';
export { hashToken } from './token-hash.js';
export { CONTRACT_FILE } from './contract-file.js';

// Public door of the development issuer: a local key that mints tokens for trying the service.
export { DEV_ISSUER, DEV_ISSUER_DIR, DevKeyError, loadDevKey } from './key-store.js';
export type { DevKey } from './key-store.js';
export { DEV_CLIENT_ID, devIssuerConfig, mintDevToken, RESERVED_CLAIMS } from './mint.js';
export type { DevTokenOptions } from './mint.js';

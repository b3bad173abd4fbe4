// Public door of the revocation package.
export type { RevocationList, RevocationListOptions, RevokeResult, TokenRevocationScope } from './revocation-list.js';
export { createRevocationList } from './revocation-list.js';
export { unverifiedJwtExp } from './jwt-exp.js';
export { tokenLifetimes } from './token-lifetime.js';
export type { TokenLifetimes } from './token-lifetime.js';

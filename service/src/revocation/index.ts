// Public door of the revocation package.
export type { RevocationList, RevocationListOptions, RevokeResult } from './revocation-list.js';
export { createRevocationList } from './revocation-list.js';
export { unverifiedJwtExp } from './jwt-exp.js';

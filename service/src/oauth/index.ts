// Public door of the built-in authorization server.
export { createLazyOAuthServer } from './lazy-server.js';
export type { OAuthServer, OAuthServerOptions } from './server.js';
export type { JtiRevoker } from './grant-tokens.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { createFileUserStore, createSharedUserStore, readUsersFile, validateUser, UserStoreError } from './users.js';
export type { OAuthUser, UserStore } from './users.js';
export { redirectUriProblem, registrationProblem, metadataDocumentAllowed } from './policy.js';
export { createLoginBackoff, createRateLimiter } from './rate-limits.js';
export type { LoginBackoff, RateLimiter } from './rate-limits.js';

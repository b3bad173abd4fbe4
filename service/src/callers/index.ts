// Public door of caller handling: secrets, authentication, failure throttling.
export { generateSecret, hashSecret, secretMatches } from './secrets.js';
export { authenticateCaller } from './authenticate.js';
export type { CallerAuthResult } from './authenticate.js';
export { createMemoryFailureThrottle } from './failure-throttle.js';
export type { AuthFailureThrottle, FailureThrottleOptions } from './failure-throttle.js';
export { createSharedFailureThrottle } from './shared-failure-throttle.js';
export { createCallerFailureThrottle } from './caller-throttle.js';
export type { CallerFailureThrottle, CallerFailureThrottleOptions, FailedAttempt } from './caller-throttle.js';
export type { SharedFailureThrottle, SharedFailureThrottleOptions } from './shared-failure-throttle.js';

// Public door of the store package: interfaces, the memory and Redis adapters, the LRU.
export type { HealthListener, ScoredMember, SharedStore } from './types.js';
export type { MemoryStoreOptions } from './memory-store.js';
export type { RedisStore, RedisStoreOptions } from './redis-store.js';
export type { Lru } from './lru.js';
export { createMemoryStore } from './memory-store.js';
export { createRedisStore } from './redis-store.js';
export { createLru } from './lru.js';
export { reportStoreHealth } from './health-report.js';

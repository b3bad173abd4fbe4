// Public door of the redis package: connection descriptions and the one client factory.
export type { ClusterRedis, RedisConnection, RedisNode, RedisTarget, RedisTls, SentinelRedis, SingleRedis } from './connection.js';
export type { ClientTuning, RedisClient } from './client.js';
export { describeRedis, queuePrefix, toConnection } from './connection.js';
export { createRedisClient } from './client.js';
export { redisConfigured, redisConnectionFromConfig } from './from-config.js';

// Accounts a sink's decision log backlog in Redis (records and bytes of queued jobs), shared by replicas.
import type { RedisClient } from '../redis/index.js';

/**
 * Adds a job's size once (HSETNX makes a repeated add, e.g. a replayed batch, count nothing).
 * KEYS: jobs hash, totals hash. ARGV: job id, records, bytes.
 */
const ADD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'records', ARGV[2])
  redis.call('HINCRBY', KEYS[2], 'bytes', ARGV[3])
end
return 1`;

/** Removes a job's size once (a job processed twice after a stall counts once). KEYS as ADD; ARGV: job id. */
const DONE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  redis.call('HDEL', KEYS[1], ARGV[1])
  local sep = string.find(v, ':', 1, true)
  redis.call('HINCRBY', KEYS[2], 'records', -tonumber(string.sub(v, 1, sep - 1)))
  redis.call('HINCRBY', KEYS[2], 'bytes', -tonumber(string.sub(v, sep + 1)))
end
return 1`;

export interface BacklogSize {
  records: number;
  bytes: number;
}

export interface RedisBacklog {
  read(): Promise<BacklogSize>;
  added(jobId: string, records: number, bytes: number): Promise<void>;
  done(jobId: string): Promise<void>;
}

/** `key` names the backlog, e.g. `<prefix>:backlog:<queue>`; two hashes live under it. */
export function createRedisBacklog(client: RedisClient, key: string): RedisBacklog {
  const jobs = `${key}:jobs`;
  const totals = `${key}:totals`;
  return {
    async read() {
      const [records, bytes] = await client.hmget(totals, 'records', 'bytes');
      return { records: Math.max(Number(records ?? 0) || 0, 0), bytes: Math.max(Number(bytes ?? 0) || 0, 0) };
    },
    async added(jobId, records, bytes) {
      await client.eval(ADD, 2, jobs, totals, jobId, String(records), String(bytes));
    },
    async done(jobId) {
      await client.eval(DONE, 2, jobs, totals, jobId);
    },
  };
}

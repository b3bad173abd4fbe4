// Schedules policy git pulls: a BullMQ job scheduler across replicas, or a timer in one process.
import { Queue, Worker } from 'bullmq';
import { silentLogger, type Logger } from '../hooks/index.js';
import type { RedisTarget } from '../redis/index.js';
import { createWorkerConnection } from './redis-connection.js';

export interface GitPullSchedulerOptions {
  /** Where Redis is (one node, Sentinel or Cluster). Omit both for a single process: a plain timer runs the pull. */
  redis?: RedisTarget;
  /** URL of one node; the short form of `redis`. */
  redisUrl?: string;
  prefix?: string;
  intervalMs: number;
  /** Pulls and reloads; rejections are logged and the next run tries again. */
  pull: () => Promise<void>;
  queueName?: string;
  logger?: Logger;
}

export interface GitPullScheduler {
  stop(): Promise<void>;
}

const SCHEDULER_ID = 'policy-git-pull';
const STOP_TIMEOUT_MS = 5_000;

function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(t);
      resolve();
    };
    p.then(done, done);
  });
}

/**
 * Starts the schedule. With Redis one replica runs each pull (the job scheduler creates one job
 * per interval cluster-wide); the reload it triggers is then announced to the other replicas.
 */
export async function startGitPullScheduler(options: GitPullSchedulerOptions): Promise<GitPullScheduler> {
  const logger = options.logger ?? silentLogger;
  const run = async (): Promise<void> => {
    try {
      await options.pull();
    } catch (e) {
      logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'policy git pull failed');
      throw e;
    }
  };
  const target = options.redis ?? options.redisUrl;
  if (!target) {
    // One pull at a time: a slow pull skips the ticks it overlaps; stop waits for the one running.
    let running: Promise<void> | undefined;
    const tick = (): void => {
      running ??= run()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
        });
    };
    const timer = setInterval(tick, options.intervalMs);
    timer.unref();
    tick();
    return {
      async stop() {
        clearInterval(timer);
        await running;
      },
    };
  }
  const name = options.queueName ?? 'policy-git';
  // Not latency critical: a connection that waits for Redis rather than failing fast.
  const producer = createWorkerConnection(target);
  const workerConnection = createWorkerConnection(target);
  const queue = new Queue(name, { connection: producer, prefix: options.prefix ?? 'bull' });
  queue.on('error', () => undefined);
  // Not awaited: these connections queue commands while Redis is down, and start-up must not wait
  // for Redis; the schedule is registered once it is reachable.
  void queue
    .upsertJobScheduler(SCHEDULER_ID, { every: options.intervalMs }, { name: 'pull', opts: { removeOnComplete: 100, removeOnFail: 100 } })
    .catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not register the policy git pull schedule'));
  const worker = new Worker(name, run, { connection: workerConnection, prefix: options.prefix ?? 'bull', concurrency: 1 });
  worker.on('error', () => undefined);
  return {
    async stop() {
      // Bounded: closing against a dead Redis must not hang shutdown (a running pull is awaited).
      await bounded(worker.close(), STOP_TIMEOUT_MS);
      await bounded(queue.close(), STOP_TIMEOUT_MS);
      producer.disconnect();
      workerConnection.disconnect();
    },
  };
}

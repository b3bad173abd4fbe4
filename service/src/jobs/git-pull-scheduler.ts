// Schedules policy git pulls: a BullMQ job scheduler across replicas, or a timer in one process.
import { Queue, Worker } from 'bullmq';
import { silentLogger, type Logger } from '../hooks/index.js';
import { createWorkerConnection } from './redis-connection.js';

export interface GitPullSchedulerOptions {
  /** Omit for a single process: a plain timer runs the pull. */
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
  if (!options.redisUrl) {
    const timer = setInterval(() => void run().catch(() => undefined), options.intervalMs);
    timer.unref();
    void run().catch(() => undefined);
    return { stop: async () => clearInterval(timer) };
  }
  const name = options.queueName ?? 'policy-git';
  // Not latency critical: a connection that waits for Redis rather than failing fast.
  const producer = createWorkerConnection(options.redisUrl);
  const workerConnection = createWorkerConnection(options.redisUrl);
  const queue = new Queue(name, { connection: producer, prefix: options.prefix ?? 'bull' });
  queue.on('error', () => undefined);
  await queue.upsertJobScheduler(SCHEDULER_ID, { every: options.intervalMs }, { name: 'pull', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  const worker = new Worker(name, run, { connection: workerConnection, prefix: options.prefix ?? 'bull', concurrency: 1 });
  worker.on('error', () => undefined);
  return {
    async stop() {
      await worker.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      producer.disconnect();
      workerConnection.disconnect();
    },
  };
}

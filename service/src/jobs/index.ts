// Public door of the jobs package: BullMQ-backed transports and schedulers.
export type { BullmqLogTransportOptions } from './bullmq-log-transport.js';
export type { GitPullScheduler, GitPullSchedulerOptions } from './git-pull-scheduler.js';
export { createBullmqLogTransport } from './bullmq-log-transport.js';
export { startGitPullScheduler } from './git-pull-scheduler.js';

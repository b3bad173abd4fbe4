// Decision log memory stays under its caps while a sink or Redis is down, and every record is accounted for.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createArgumentMasker,
  createDecisionLogBuffer,
  createHttpSink,
  createMemoryLogTransport,
  createSeenIds,
  sinkSpillPath,
  withDedupe,
  type DecisionLogBuffer,
  type DecisionLogTransport,
  type DropReason,
  type SinkQueueLimits,
} from '../../service/src/decision-logs/index.js';
import { createRecordingMetrics, type RecordingMetrics } from '../../service/src/hooks/index.js';
import { createBullmqLogTransport } from '../../service/src/jobs/index.js';
import { SHARED_REDIS_URL, deleteKeys, startPrivateRedis, testPrefix } from '../store/redis-helpers.js';
import { makeDecisions, startClosableHttpSink, tempDir, type ClosableHttpSink } from './log-harness.js';

const prefix = testPrefix('logbounds');
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

const SINK = 'http';
const REASONS: DropReason[] = ['buffer_full', 'queue_full', 'redis_unavailable', 'shutdown', 'spill_error'];
const LIMITS: SinkQueueLimits = { maxRecords: 60, maxBytes: 24_000, spillMaxBytes: 30_000 };
const BUFFER = { maxBuffered: 45, maxBufferedBytes: 20_000 };
const BATCH = 15;
const ROUNDS = 15;
const PER_ROUND = 40;

interface Ledger {
  produced: number;
  delivered: number;
  spilled: number;
  replayed: number;
  dropped: number;
  droppedBy: Partial<Record<DropReason, number>>;
}

function ledger(metrics: RecordingMetrics): Ledger {
  const v = (stage: string) => metrics.value('mcp_authz_decision_logs_total', { sink: SINK, stage });
  const droppedBy = Object.fromEntries(REASONS.map((reason) => [reason, metrics.value('mcp_authz_decision_logs_total', { sink: SINK, stage: 'dropped', reason })]));
  const dropped = Object.values(droppedBy).reduce((a, b) => a + b, 0);
  return { produced: v('produced'), delivered: v('delivered'), spilled: v('spilled'), replayed: v('replayed'), dropped, droppedBy };
}

const pending = (metrics: RecordingMetrics, where: string) => metrics.value('mcp_authz_decision_logs_pending', { sink: SINK, where });
const pendingBytes = (metrics: RecordingMetrics, where: string) => metrics.value('mcp_authz_decision_logs_pending_bytes', { sink: SINK, where });

async function spillBytes(base: string): Promise<number> {
  const path = sinkSpillPath(base, SINK);
  const size = (p: string) => stat(p).then((s) => s.size, () => 0);
  return (await size(path)) + (await size(`${path}.replaying`));
}

function httpSink(sink: ClosableHttpSink) {
  return withDedupe(createHttpSink({ name: SINK, url: sink.url, timeoutMs: 1000 }), createSeenIds(100_000));
}

function buffer(transport: DecisionLogTransport, metrics: RecordingMetrics): DecisionLogBuffer {
  return createDecisionLogBuffer({ transport, masker: createArgumentMasker(), batchSize: BATCH, flushIntervalMs: 5, metrics, ...BUFFER });
}

/**
 * Produces ROUNDS × PER_ROUND decisions while the sink (or Redis) is down, checking after each round
 * that memory holds no more than the caps and that produced + replayed = delivered + spilled +
 * dropped + pending. `queued` reads what waits in the transport (memory or Redis) for the sink.
 */
async function produceWhileDown(buf: DecisionLogBuffer, metrics: RecordingMetrics, spillBase: string, queued: () => Promise<number>, offset: number): Promise<string[]> {
  const ids: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ids.push(...(await makeDecisions(buf, PER_ROUND, offset + round * PER_ROUND)));
    assert.ok(buf.size <= BUFFER.maxBuffered, `buffer holds ${buf.size} records`);
    assert.ok(buf.bytes <= BUFFER.maxBufferedBytes, `buffer holds ${buf.bytes} bytes`);
    await buf.flush();
    const q = await queued();
    assert.ok(q <= LIMITS.maxRecords, `queue holds ${q} records`);
    assert.ok(await spillBytes(spillBase) <= LIMITS.spillMaxBytes, 'spill file under its cap');
    const l = ledger(metrics);
    assert.equal(l.produced + l.replayed, l.delivered + l.spilled + l.dropped + pending(metrics, 'buffer') + q, `round ${round}: ${JSON.stringify(l)}`);
  }
  return ids;
}

describe('decision log bounds, in-process transport', () => {
  test('HTTP sink closed: buffer, queue and spill stay under their caps; after it is back every kept record arrives', async () => {
    const tmp = await tempDir();
    const http = await startClosableHttpSink();
    const metrics = createRecordingMetrics();
    const spillPath = join(tmp.dir, 'spill.jsonl');
    const transport = createMemoryLogTransport({ sinks: [httpSink(http)], limits: LIMITS, spillPath, retryBaseMs: 10, retryMaxMs: 40, metrics });
    const buf = buffer(transport, metrics);
    try {
      await http.stop();
      const ids = await produceWhileDown(buf, metrics, spillPath, async () => {
        assert.ok(pendingBytes(metrics, 'queue') <= LIMITS.maxBytes, `queue holds ${pendingBytes(metrics, 'queue')} bytes`);
        return pending(metrics, 'queue');
      }, 0);
      const down = ledger(metrics);
      assert.equal(down.produced, ids.length);
      assert.equal(down.delivered, 0);
      assert.ok(down.spilled > 0, 'records past the queue cap were spilled');
      assert.ok((down.droppedBy.queue_full ?? 0) > 0, 'records past the spill cap were dropped, with a reason');

      await http.reopen();
      assert.equal(await transport.drain(60_000), true);
      const l = ledger(metrics);
      assert.equal(l.replayed, l.spilled, 'everything spilled came back');
      assert.equal(l.produced, l.delivered + l.dropped);
      assert.equal(http.received.size, l.delivered);
      assert.ok([...http.received].every((id) => ids.includes(id)));
      assert.equal(await spillBytes(spillPath), 0);
      assert.equal(pending(metrics, 'queue'), 0);
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
    }
  });

  test('without a spill file (spill_max_bytes 0) records past the queue cap are dropped and counted', async () => {
    const tmp = await tempDir();
    const http = await startClosableHttpSink();
    const metrics = createRecordingMetrics();
    const spillPath = join(tmp.dir, 'spill.jsonl');
    const transport = createMemoryLogTransport({ sinks: [httpSink(http)], limits: { ...LIMITS, spillMaxBytes: 0 }, spillPath, retryBaseMs: 10, retryMaxMs: 40, metrics });
    const buf = buffer(transport, metrics);
    try {
      await http.stop();
      await produceWhileDown(buf, metrics, spillPath, async () => pending(metrics, 'queue'), 0);
      const l = ledger(metrics);
      assert.equal(l.spilled, 0);
      assert.equal(await spillBytes(spillPath), 0);
      assert.ok((l.droppedBy.queue_full ?? 0) >= l.produced - LIMITS.maxRecords - (l.droppedBy.buffer_full ?? 0));
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
    }
  });
});

describe('decision log bounds, BullMQ transport', () => {
  test('HTTP sink closed: the backlog in Redis stays under its cap, the rest spills then drops; all accounted', async () => {
    const tmp = await tempDir();
    const http = await startClosableHttpSink();
    const metrics = createRecordingMetrics();
    const spillPath = join(tmp.dir, 'spill.jsonl');
    const transport = createBullmqLogTransport({
      redisUrl: SHARED_REDIS_URL,
      prefix: `${prefix}bull`,
      queueName: 'bounds-sink',
      sinks: [httpSink(http)],
      spillPath,
      limits: LIMITS,
      retryBaseMs: 20,
      retryMaxMs: 100,
      // No replay in the background while counting: drain() replays.
      replayIntervalMs: 600_000,
      metrics,
    });
    const buf = buffer(transport, metrics);
    try {
      await http.stop();
      const ids = await produceWhileDown(buf, metrics, spillPath, async () => (await transport.depth())[SINK]!, 0);
      const down = ledger(metrics);
      assert.ok(down.spilled > 0, 'records past the Redis backlog cap were spilled');
      assert.ok((down.droppedBy.queue_full ?? 0) > 0, 'records past the spill cap were dropped, with a reason');

      await http.reopen();
      assert.equal(await transport.drain(60_000), true);
      const l = ledger(metrics);
      assert.equal(l.replayed, l.spilled);
      assert.equal(l.produced, l.delivered + l.dropped);
      assert.equal(http.received.size, l.delivered);
      assert.ok([...http.received].every((id) => ids.includes(id)));
      assert.equal((await transport.depth())[SINK], 0);
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
    }
  });

  test('Redis unreachable: nothing waits on Redis, the spill file stays under its cap, drops are counted; replayed once it is back', async () => {
    const redis = await startPrivateRedis();
    const tmp = await tempDir();
    const http = await startClosableHttpSink();
    const metrics = createRecordingMetrics();
    const spillPath = join(tmp.dir, 'spill.jsonl');
    const transport = createBullmqLogTransport({
      redisUrl: redis.url,
      prefix: `${prefix}bull2`,
      sinks: [httpSink(http)],
      spillPath,
      limits: LIMITS,
      retryBaseMs: 20,
      retryMaxMs: 100,
      replayIntervalMs: 100,
      metrics,
    });
    const buf = buffer(transport, metrics);
    try {
      const first = await makeDecisions(buf, 30, 0);
      await buf.flush();
      assert.equal(await transport.drain(20_000), true);
      assert.equal(http.received.size, first.length);

      await redis.stop();
      // Redis is gone: what waits in it is unknown to this process and counts as nothing held here.
      await produceWhileDown(buf, metrics, spillPath, async () => 0, 1000);
      const down = ledger(metrics);
      assert.ok(down.spilled > 0);
      assert.ok((down.droppedBy.redis_unavailable ?? 0) > 0, 'records past the spill cap were dropped as redis_unavailable');

      await redis.start();
      assert.equal(await transport.drain(60_000), true);
      const l = ledger(metrics);
      assert.equal(l.replayed, l.spilled);
      assert.equal(l.produced, l.delivered + l.dropped);
      assert.equal(http.received.size, l.delivered);
      assert.equal(await spillBytes(spillPath), 0);
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
      await redis.stop();
    }
  });
});

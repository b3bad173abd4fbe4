// Decision log delivery end to end: buffer → transport (in-process or BullMQ on real Redis) → sinks.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDecisionLogBuffer,
  createArgumentMasker,
  createHttpSink,
  createJsonlFileSink,
  createMemoryLogTransport,
  createSeenIds,
  jsonlFiles,
  readLoggedIds,
  sinkSpillPath,
  withDedupe,
  type DecisionLogTransport,
} from '../../service/src/decision-logs/index.js';
import { createRecordingMetrics } from '../../service/src/hooks/index.js';
import { createBullmqLogTransport } from '../../service/src/jobs/index.js';
import { SHARED_REDIS_URL, deleteKeys, eventually, startPrivateRedis, testPrefix } from '../store/redis-helpers.js';
import { countJsonl, makeDecisions, startFlakyHttpSink, tempDir } from './log-harness.js';

const prefix = testPrefix('jobs');
after(() => deleteKeys(SHARED_REDIS_URL, prefix));

async function sinks(dir: string, httpUrl: string) {
  const path = join(dir, 'decisions.jsonl');
  const file = withDedupe(createJsonlFileSink({ path, maxBytes: 16 * 1024, maxFiles: 5 }), createSeenIds(100_000));
  const http = withDedupe(createHttpSink({ url: httpUrl, timeoutMs: 2000 }), createSeenIds(100_000));
  return { path, list: [file, http] };
}

function buffer(transport: DecisionLogTransport) {
  return createDecisionLogBuffer({ transport, masker: createArgumentMasker(), batchSize: 25, flushIntervalMs: 10 });
}

describe('decision logs, in-process transport (no REDIS_URL)', () => {
  test('N decisions → N distinct ids in the JSONL sink while the HTTP sink is down for a while', async () => {
    const tmp = await tempDir();
    const http = await startFlakyHttpSink();
    const { path, list } = await sinks(tmp.dir, http.url);
    const transport = createMemoryLogTransport({ sinks: list, retryBaseMs: 10, retryMaxMs: 50 });
    const buf = buffer(transport);
    try {
      http.up = false;
      const ids = await makeDecisions(buf, 120);
      await buf.flush();
      await eventually(async () => (await countJsonl(path)).distinct === 120, 'file sink delivered independently of the HTTP sink');
      await eventually(() => http.failures > 0, 'HTTP sink failed at least once');
      http.up = true;
      assert.equal(await transport.drain(20_000), true);
      assert.deepEqual(await countJsonl(path), { lines: 120, distinct: 120 });
      assert.deepEqual(new Set(http.received), new Set(ids));
      assert.ok(jsonlFiles(path, 5).length > 1);
      const text = await readFile(path, 'utf8');
      assert.ok(!text.includes('hunter2'), 'secret arguments are masked');
      assert.ok(!text.includes('tok:user'), 'tokens are never logged');
      const rotated = await readFile(`${path}.1`, 'utf8');
      assert.ok(rotated.length > 0, 'size-based rotation happened');
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
    }
  });
});

describe('decision logs, BullMQ transport', () => {
  test('HTTP sink down for a while: each sink delivered independently, exactly N distinct ids', async () => {
    const tmp = await tempDir();
    const http = await startFlakyHttpSink();
    const { path, list } = await sinks(tmp.dir, http.url);
    const metrics = createRecordingMetrics();
    const transport = createBullmqLogTransport({
      redisUrl: SHARED_REDIS_URL,
      prefix: `${prefix}bull`,
      queueName: 'dl-http',
      sinks: list,
      spillPath: join(tmp.dir, 'spill.jsonl'),
      retryBaseMs: 20,
      retryMaxMs: 200,
      metrics,
    });
    const buf = buffer(transport);
    try {
      http.up = false;
      const ids = await makeDecisions(buf, 150);
      await buf.flush();
      await eventually(async () => (await countJsonl(path)).distinct === 150, 'file sink complete while HTTP is down', 20_000);
      await eventually(() => http.failures >= 2, 'HTTP retried');
      http.up = true;
      assert.equal(await transport.drain(30_000), true);
      assert.deepEqual(await countJsonl(path), { lines: 150, distinct: 150 });
      assert.equal(new Set(http.received).size, 150);
      assert.deepEqual(new Set(http.received), new Set(ids));
      assert.ok(metrics.value('mcp_authz_decision_log_failures_total', { sink: 'http' }) > 0);
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
    }
  });

  test('Redis down for a while: batches spill to a file and are replayed, exactly N distinct ids', async () => {
    const redis = await startPrivateRedis();
    const tmp = await tempDir();
    const http = await startFlakyHttpSink();
    const { path, list } = await sinks(tmp.dir, http.url);
    const metrics = createRecordingMetrics();
    const spillPath = join(tmp.dir, 'spill.jsonl');
    const transport = createBullmqLogTransport({
      redisUrl: redis.url,
      prefix: `${prefix}bull2`,
      sinks: list,
      spillPath,
      retryBaseMs: 20,
      retryMaxMs: 200,
      replayIntervalMs: 100,
      metrics,
    });
    const buf = buffer(transport);
    try {
      const first = await makeDecisions(buf, 60, 0);
      await buf.flush();
      assert.equal(await transport.drain(20_000), true);
      assert.equal((await countJsonl(path)).distinct, 60);

      await redis.stop();
      const second = await makeDecisions(buf, 70, 1000);
      await buf.flush();
      assert.ok(metrics.value('mcp_authz_decision_logs_total', { sink: 'file', stage: 'spilled' }) >= 1, 'records were spilled');
      assert.ok((await readFile(sinkSpillPath(spillPath, 'file'), 'utf8')).length > 0, 'the file sink\'s spill file holds them');
      assert.ok((await readFile(sinkSpillPath(spillPath, 'http'), 'utf8')).length > 0, 'the HTTP sink\'s spill file holds them');
      assert.equal((await countJsonl(path)).distinct, 60, 'nothing delivered while Redis is down');

      await redis.start();
      const third = await makeDecisions(buf, 40, 2000);
      await buf.flush();
      assert.equal(await transport.drain(30_000), true);
      const all = new Set([...first, ...second, ...third]);
      assert.equal(all.size, 170);
      assert.deepEqual(await countJsonl(path), { lines: 170, distinct: 170 });
      assert.deepEqual(new Set(await readLoggedIds(path)), all);
      assert.equal(new Set(http.received).size, 170);
    } finally {
      await transport.close();
      await http.close();
      await tmp.remove();
      await redis.stop();
    }
  });
});

// The in-process buffer: capped in records and bytes while the transport does not take batches.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createArgumentMasker, createDecisionLogBuffer, type DecisionLogTransport, type LogBatch } from '../../service/src/decision-logs/index.js';
import type { DecisionLogRecord } from '../../service/src/decisions/index.js';
import { createRecordingMetrics } from '../../service/src/hooks/index.js';

/** A transport whose enqueue waits until released: the buffer must hold, then drop past its caps. */
function stalledTransport() {
  const batches: LogBatch[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const transport: DecisionLogTransport = {
    sinks: ['a', 'b'],
    async enqueue(batch) {
      await gate;
      batches.push(batch);
    },
    depth: async () => ({}),
    drain: async () => true,
    close: async () => undefined,
  };
  return { transport, batches, release };
}

function record(i: number, pad = 0): DecisionLogRecord {
  return {
    decision_id: `d${i}`,
    time: new Date(0).toISOString(),
    server: 's',
    method: 'tools/call',
    tool: 't',
    arguments: { n: i, pad: 'x'.repeat(pad), token: 'secret-value' },
    outcome: 'allow',
    reasons: [],
    policy_revision: 'r',
    latency_ms: 0,
    cache_hit: false,
  };
}

describe('createDecisionLogBuffer', () => {
  for (const c of [
    { name: 'record cap', maxBuffered: 30, maxBufferedBytes: 10_000_000, pad: 0 },
    { name: 'byte cap', maxBuffered: 100_000, maxBufferedBytes: 20_000, pad: 1000 },
  ]) {
    test(`${c.name}: records past it are dropped per sink with reason buffer_full; produced = held + dropped`, async () => {
      const metrics = createRecordingMetrics();
      const t = stalledTransport();
      const buf = createDecisionLogBuffer({ transport: t.transport, masker: createArgumentMasker(), batchSize: 10, flushIntervalMs: 1, metrics, maxBuffered: c.maxBuffered, maxBufferedBytes: c.maxBufferedBytes });
      for (let i = 0; i < 200; i++) buf.write(record(i, c.pad));
      await new Promise((r) => setTimeout(r, 20)); // let the stalled flush take its batch
      for (let i = 200; i < 400; i++) buf.write(record(i, c.pad));
      assert.ok(buf.size <= c.maxBuffered);
      assert.ok(buf.bytes <= c.maxBufferedBytes);
      for (const sink of ['a', 'b']) {
        const produced = metrics.value('mcp_authz_decision_logs_total', { sink, stage: 'produced' });
        const dropped = metrics.value('mcp_authz_decision_logs_total', { sink, stage: 'dropped', reason: 'buffer_full' });
        assert.equal(produced, 400);
        assert.ok(dropped > 0);
        t.release();
        await buf.flush();
        const handed = t.batches.reduce((n, b) => n + b.records.length, 0);
        assert.equal(produced, handed + dropped + buf.size);
      }
      assert.ok(t.batches.every((b) => b.records.every((r) => r.arguments?.token === '***')), 'records are held masked');
      assert.ok(t.batches.every((b) => b.bytes === Buffer.byteLength(JSON.stringify(b.records))), 'batch sizes are measured');
    });
  }
});

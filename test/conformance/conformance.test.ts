// The ratchet over OPA's compliance suite: every case in passing.json must still pass.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { conformanceDir, conformanceDirExists, runSuite } from './runner.js';
import type { SuiteReport } from './runner.js';
import { readExcluded, readPassing } from './ratchet.js';

/** The acceptance floor of the engine issue: share of all suite cases that pass. */
const MIN_PASS_RATIO = 0.9;

const dir = conformanceDir();
const present = conformanceDirExists(dir);

describe('OPA conformance suite', () => {
  if (!present) {
    test('conformance folder is present (required in CI)', () => {
      const message = `conformance folder ${dir} not found (set OPA_CONFORMANCE_DIR); suite not run`;
      console.log(message);
      assert.notEqual(process.env.CI, 'true', message);
    });
    return;
  }

  let report: SuiteReport;
  let passing: string[];
  let excluded: Record<string, string>;
  before(() => {
    report = runSuite(dir);
    passing = readPassing();
    excluded = readExcluded();
  });

  test('every case in passing.json still passes', () => {
    const byId = new Map(report.outcomes.map((o) => [o.id, o]));
    const regressions = passing
      .map((id) => byId.get(id))
      .filter((o) => o !== undefined && !o.passed)
      .map((o) => `${o!.id}: ${o!.reason ?? ''}`);
    assert.deepEqual(regressions, [], `cases that stopped passing:\n${regressions.join('\n')}`);
  });

  test('passing.json and excluded.json name only existing cases', () => {
    const ids = new Set(report.outcomes.map((o) => o.id));
    assert.deepEqual(passing.filter((id) => !ids.has(id)), [], 'unknown ids in passing.json');
    assert.deepEqual(Object.keys(excluded).filter((id) => !ids.has(id)), [], 'unknown ids in excluded.json');
    assert.deepEqual([...passing].sort(), passing, 'passing.json must be sorted');
  });

  test('excluded cases carry a reason and are not in passing.json', () => {
    for (const [id, reason] of Object.entries(excluded)) {
      assert.ok(reason.trim().length > 0, `${id}: exclusion without a reason`);
      assert.ok(!passing.includes(id), `${id} is both excluded and in passing.json`);
    }
  });

  test(`overall pass ratio is at least ${MIN_PASS_RATIO * 100} %`, (t) => {
    const total = report.passed + report.failed;
    assert.equal(total, report.outcomes.length);
    const fresh = report.outcomes.filter((o) => o.passed && !passing.includes(o.id) && !(o.id in excluded));
    t.diagnostic(`${report.passed} passed, ${report.failed} failed (${((100 * report.passed) / total).toFixed(1)} %)`);
    if (fresh.length > 0) t.diagnostic(`${fresh.length} newly passing; run \`npm run conformance -- --update\``);
    assert.ok(report.passed >= passing.length, 'fewer cases pass than passing.json lists');
    assert.ok(report.passed / total >= MIN_PASS_RATIO, `pass ratio ${report.passed}/${total} below ${MIN_PASS_RATIO}`);
  });
});

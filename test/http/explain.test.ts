// `explain` on POST /v1/decisions: admin callers get the explanation (contract-valid, naming rules and
// lines), others get 403 admin_required; an explained decision neither reads nor fills the cache.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadContract } from '../../service/src/http/contract.js';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { FILES, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { SHARED_REDIS_URL, testPrefix } from '../store/redis-helpers.js';

interface Row {
  name: string;
  server: 'files';
  claims: Record<string, unknown>;
  action: Record<string, unknown>;
  outcome: string;
  fired: string[];
  failed: string[];
}

interface Clause {
  rule: string;
  location: { row: number };
  condition?: { location: { row: number } };
}

const ROWS = parse(readFileSync(new URL('./explain.cases.yaml', import.meta.url), 'utf8')) as Row[];
const contract = loadContract();

let idp: IdentityProvider;
let h: DecisionServiceHarness;

before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  h = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix: testPrefix('http-explain') });
});
after(async () => {
  await h.close();
  await idp.close();
});

const tokenFor = (claims: Record<string, unknown>): Promise<string> => idp.sign({ aud: FILES, ...claims });

describe('explained decisions', () => {
  for (const row of ROWS) {
    test(row.name, async () => {
      const res = await h.decide({ token: await tokenFor(row.claims), server: row.server, action: row.action, explain: true }, 'admin');
      assert.equal(res.status, 200, res.text);
      const body = res.body as { outcome: string; explanation: { mode: string; steps: { event: string }[]; summary: { fired: Clause[]; failed: Clause[] } } };
      const validate = contract.schemaValidator('Decision');
      assert.equal(validate(body), true, JSON.stringify(validate.errors));
      assert.equal(body.outcome, row.outcome);
      const ex = body.explanation;
      assert.equal(ex.mode, 'fails');
      assert.ok(ex.steps.length > 0 && ex.steps.every((s) => s.event === 'enter' || s.event === 'fail'));
      const fired = ex.summary.fired.map((c) => `${c.rule}:${c.location.row}`);
      for (const f of row.fired) assert.ok(fired.includes(f), `${f} fired; got ${fired.join(', ')}`);
      const failed = ex.summary.failed.map((c) => `${c.rule}:${c.location.row}@${c.condition?.location.row ?? ''}`);
      for (const f of row.failed) assert.ok(failed.includes(f), `${f} failed; got ${failed.join(', ')}`);
    });
  }

  test('a mode by name: full has the evaluated expressions too', async () => {
    const row = ROWS[0];
    const res = await h.decide({ token: await tokenFor(row.claims), server: row.server, action: row.action, explain: 'full' }, 'admin');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.explanation.mode, 'full');
    assert.ok((res.body.explanation.steps as { event: string }[]).some((s) => s.event === 'eval'));
  });

  test('a caller that is not an admin gets 403 admin_required; explain: false is no request', async () => {
    const row = ROWS[0];
    const token = await tokenFor(row.claims);
    const refused = await h.decide({ token, server: row.server, action: row.action, explain: true }, 'files');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'admin_required');
    const plain = await h.decide({ token, server: row.server, action: row.action, explain: false }, 'files');
    assert.equal(plain.status, 200, plain.text);
    assert.equal(plain.body.explanation, undefined);
  });

  test('an explained decision is never read from nor written to the decision cache', async () => {
    const row = ROWS[1];
    const body = { token: await tokenFor({ ...row.claims, sub: 'cache-probe' }), server: row.server, action: row.action };
    const first = await h.decide({ ...body, explain: true }, 'admin');
    assert.equal(first.body.cached, false);
    const plain = await h.decide(body, 'admin');
    assert.equal(plain.body.cached, false, 'the explained decision filled the cache');
    const again = await h.decide(body, 'admin');
    assert.equal(again.body.cached, true, 'the plain decision is cached');
    const explained = await h.decide({ ...body, explain: true }, 'admin');
    assert.equal(explained.body.cached, false, 'the explained decision came from the cache');
    assert.ok(explained.body.explanation.steps.length > 0);
  });

  test('an unknown mode does not match the contract', async () => {
    const row = ROWS[0];
    const res = await h.decide({ token: await tokenFor(row.claims), server: row.server, action: row.action, explain: 'everything' }, 'admin');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'invalid_request');
  });
});

// OPA's Data API on a real running service: OPA's own client (@styra/opa, used unchanged) and raw
// requests for the exact shapes OPA answers — results, undefined documents, input handling,
// evaluation errors, the per-request budget and authentication failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { OPAClient } from '@styra/opa';
import { ServerError } from '@styra/opa/sdk/models/errors';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { SECRETS, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';

const POLICY = fileURLToPath(new URL('./fixtures/opa-data', import.meta.url));
const STEPS = 50_000;

let idp: IdentityProvider;
let h: DecisionServiceHarness;
let server: Server;
let base: string;

before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  h = await startDecisionService({
    idp,
    prefix: 'unused',
    policySource: POLICY,
    config: { decisions: { max_evaluation_steps: STEPS, evaluation_timeout_ms: 60_000 } },
  });
  server = createServer(h.service.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
  await idp.close();
});

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function call(method: string, path: string, body?: string, headers: Record<string, string> = bearer(SECRETS.files)) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

describe('OPA client (@styra/opa) against the service', () => {
  const client = () => new OPAClient(base, { headers: bearer(SECRETS.files) });

  test('evaluate with input allows and denies', async () => {
    assert.equal(await client().evaluate('demo/allow', { user: 'alice' }), true);
    assert.equal(await client().evaluate('demo/allow', { user: 'bob' }), false);
  });

  test('evaluate without input reads a document (GET)', async () => {
    assert.deepEqual(await client().evaluate('demo/roles'), { alice: ['admin', 'reader'], bob: ['reader'] });
    assert.deepEqual(await client().evaluate('limits/max/1'), 20);
  });

  test('an undefined document evaluates to undefined', async () => {
    assert.equal(await client().evaluate('demo/never', { user: 'alice' }), undefined);
    assert.equal(await client().evaluate('no/such/package', {}), undefined);
  });

  test('evaluateDefault answers data.system.main', async () => {
    assert.deepEqual(await client().evaluateDefault({ user: 'alice' }), { allow: true, user: 'alice' });
    assert.deepEqual(await client().evaluateDefault({ user: 'eve' }), { allow: false, user: 'eve' });
  });

  test('an admin caller may query too', async () => {
    const admin = new OPAClient(base, { headers: bearer(SECRETS.admin) });
    assert.equal(await admin.evaluate('demo/allow', { user: 'alice' }), true);
  });

  test('an evaluation error surfaces as OPA\'s ServerError with the error code and location', async () => {
    await assert.rejects(client().evaluate('demo/clash', { clash: true }), (e: unknown) => {
      assert.ok(e instanceof ServerError, String(e));
      assert.equal(e.code, 'internal_error');
      assert.equal(e.errors?.[0]?.code, 'eval_conflict_error');
      assert.match(e.errors?.[0]?.location?.file ?? '', /demo\/policy\.rego$/);
      return true;
    });
  });

  test('a wrong bearer secret is refused with 401', async () => {
    const intruder = new OPAClient(base, { headers: bearer('not-a-registered-secret-0000') });
    await assert.rejects(intruder.evaluate('demo/allow', { user: 'alice' }), (e: unknown) => {
      assert.match(String(e), /Status 401/);
      return true;
    });
  });
});

describe('Data API shapes', () => {
  test('POST answers result and decision_id', async () => {
    const r = await call('POST', '/v1/data/demo/allow', JSON.stringify({ input: { user: 'alice' } }));
    assert.equal(r.status, 200);
    assert.match(r.type ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(r.body!).sort(), ['decision_id', 'result']);
    assert.equal(r.body!.result, true);
    assert.match(r.body!.decision_id, /^[0-9a-f-]{36}$/);
  });

  test('undefined: no result member, only the decision_id', async () => {
    const r = await call('POST', '/v1/data/demo/never', JSON.stringify({ input: {} }));
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body!), ['decision_id']);
  });

  test('a body without `input` is evaluated without input and warned about', async () => {
    const r = await call('POST', '/v1/data/demo/allow', JSON.stringify({ user: 'alice' }));
    assert.equal(r.status, 200);
    assert.equal(r.body!.result, false);
    assert.deepEqual(r.body!.warning, { code: 'api_usage_warning', message: "'input' key missing from the request" });
  });

  test('POST without a body is a query without input', async () => {
    const r = await call('POST', '/v1/data/demo/roles/bob');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body!.result, ['reader']);
  });

  test('GET takes the input query parameter (its last value)', async () => {
    const input = encodeURIComponent(JSON.stringify({ user: 'alice' }));
    const r = await call('GET', `/v1/data/demo/allow?input=${encodeURIComponent('{"user":"bob"}')}&input=${input}`);
    assert.equal(r.status, 200);
    assert.equal(r.body!.result, true);
  });

  test('GET with malformed input is invalid_parameter', async () => {
    const r = await call('GET', '/v1/data/demo/allow?input=%7Bnot-json');
    assert.equal(r.status, 400);
    assert.equal(r.body!.code, 'invalid_parameter');
    assert.match(r.body!.message, /^parameter contains malformed input document/);
  });

  test('GET and POST /v1/data read the whole data document', async () => {
    const g = await call('GET', '/v1/data');
    assert.equal(g.status, 200);
    assert.deepEqual(g.body!.result.limits, { max: [10, 20, 30] });
    assert.equal(g.body!.result.demo.allow, false);
    const p = await call('POST', '/v1/data', JSON.stringify({ input: { user: 'alice' } }));
    assert.equal(p.body!.result.demo.allow, true);
  });

  test('an escaped slash separates segments; other escapes name odd keys', async () => {
    const r = await call('POST', '/v1/data/demo%2Fallow', JSON.stringify({ input: { user: 'alice' } }));
    assert.equal(r.body!.result, true);
    const odd = await call('GET', '/v1/data/odd-key');
    assert.deepEqual(odd.body!.result, { 'a/b': 'slash' });
  });

  test('a body that is not an object is invalid_parameter', async () => {
    const r = await call('POST', '/v1/data/demo/allow', '[1, 2]');
    assert.equal(r.status, 400);
    assert.equal(r.body!.code, 'invalid_parameter');
    const broken = await call('POST', '/v1/data/demo/allow', '{"input":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body!.code, 'invalid_parameter');
  });

  test('an evaluation error is a 500 internal_error carrying the error', async () => {
    const r = await call('POST', '/v1/data/demo/clash', JSON.stringify({ input: { clash: true } }));
    assert.equal(r.status, 500);
    assert.equal(r.body!.code, 'internal_error');
    assert.equal(r.body!.message, 'error(s) occurred while evaluating query');
    assert.equal(r.body!.errors[0].code, 'eval_conflict_error');
    assert.equal(r.body!.errors[0].location.row, 15);
  });

  test('a query over the request budget stops with the step limit error', async () => {
    const small = await call('POST', '/v1/data/demo/cross', JSON.stringify({ input: { n: 20 } }));
    assert.equal(small.body!.result, 380);
    const big = await call('POST', '/v1/data/demo/cross', JSON.stringify({ input: { n: 2000 } }));
    assert.equal(big.status, 500);
    assert.equal(big.body!.errors[0].code, 'eval_step_limit_error');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /mcp_authz_evaluation_limit_total\{limit="steps"\} [1-9]/);
  });

  test('no writable data store: PUT is 405 with the methods allowed', async () => {
    const res = await fetch(`${base}/v1/data/demo/allow`, { method: 'PUT', headers: { ...bearer(SECRETS.files), 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST, GET, HEAD');
  });

  test('?pretty indents the answer', async () => {
    const res = await fetch(`${base}/v1/data/demo/roles/bob?pretty=true`, { headers: bearer(SECRETS.files) });
    assert.match(await res.text(), /^\{\n {2}"result": \[/);
  });

  test('POST / answers the bare default decision, the body being the input', async () => {
    const r = await call('POST', '/', JSON.stringify({ user: 'alice' }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { allow: true, user: 'alice' });
  });

  test('POST / without a body: no input, so here an undefined (but declared) default decision', async () => {
    const r = await call('POST', '/');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { code: 'undefined_document', message: 'document undefined: data.system.main' });
  });
});

describe('authentication', () => {
  const cases: Array<{ name: string; headers: Record<string, string> }> = [
    { name: 'no credentials', headers: {} },
    { name: 'an unknown bearer secret', headers: bearer('not-a-registered-secret-0000') },
    { name: 'a malformed header', headers: { authorization: 'Token x y' } },
  ];
  for (const c of cases) {
    test(`${c.name}: 401 in OPA's shape`, async () => {
      for (const [method, path] of [['POST', '/v1/data/demo/allow'], ['GET', '/v1/data/demo/allow'], ['POST', '/']] as const) {
        const r = await call(method, path, method === 'POST' ? '{}' : undefined, c.headers);
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.deepEqual(r.body, { code: 'unauthorized', message: 'request rejected by administrative policy' });
        assert.ok(r.headers.get('www-authenticate'));
      }
    });
  }

  test('HTTP Basic caller credentials work too', async () => {
    const r = await call('POST', '/v1/data/demo/allow', JSON.stringify({ input: { user: 'alice' } }), { authorization: h.auth('github') });
    assert.equal(r.body!.result, true);
  });
});

describe('a default decision that nothing defines', () => {
  test('POST / is 404 undefined_document naming it', async () => {
    const other = await startDecisionService({ idp, prefix: 'unused', policySource: POLICY, config: { decisions: { default_decision: 'data.nothing.here' } } });
    try {
      const srv = createServer(other.service.app);
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
        const res = await fetch(url, { method: 'POST', headers: { ...bearer(SECRETS.files), 'content-type': 'application/json' }, body: '{}' });
        assert.equal(res.status, 404);
        assert.deepEqual(await res.json(), { code: 'undefined_document', message: 'document missing: data.nothing.here' });
      } finally {
        await new Promise((resolve) => srv.close(resolve));
      }
    } finally {
      await other.close();
    }
  });
});

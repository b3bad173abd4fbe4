// POST /v1/decisions, /v1/decisions/batch, /v1/revocations and GET /v1/policies over HTTP with the
// reference policies, a real JWKS issuer and real Redis + BullMQ (per-run key prefix and channels).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { loadContract } from '../../service/src/http/contract.js';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { FILES, GITHUB, startDecisionService, type DecisionServiceHarness } from '../support/decision-service.js';
import { SHARED_REDIS_URL, testPrefix } from '../store/redis-helpers.js';

interface CaseRow {
  name: string;
  server: 'files' | 'github';
  audience?: 'files' | 'github';
  claims?: Record<string, unknown>;
  raw?: string;
  action: Record<string, unknown>;
  expect: Record<string, unknown>;
  no_subject?: boolean;
}

const CASES = parse(readFileSync(new URL('./decisions.cases.yaml', import.meta.url), 'utf8')) as CaseRow[];
const contract = loadContract();

/** The contract's complaints about a response body (empty when it conforms). */
function schemaErrors(schema: string, body: unknown): unknown[] {
  const validate = contract.schemaValidator(schema);
  return validate(body) ? [] : [...(validate.errors ?? [])];
}

let idp: IdentityProvider;
let h: DecisionServiceHarness;

before(async () => {
  idp = await startIdentityProvider({ alg: 'RS256' });
  h = await startDecisionService({ idp, redisUrl: SHARED_REDIS_URL, prefix: testPrefix('http-decisions'), config: { decisions: { max_argument_bytes: 1024, max_json_depth: 16 } } });
});
after(async () => {
  await h.close();
  await idp.close();
});

const resourceOf = (server: 'files' | 'github'): string => (server === 'files' ? FILES : GITHUB);

async function tokenFor(row: Pick<CaseRow, 'server' | 'audience' | 'claims' | 'raw'>): Promise<string> {
  if (row.raw !== undefined) return row.raw;
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { aud: resourceOf(row.audience ?? row.server) };
  for (const [k, v] of Object.entries(row.claims ?? {})) {
    if (k.endsWith('_in')) claims[k.slice(0, -3)] = now + Number(v);
    else claims[k] = v;
  }
  return idp.sign(claims);
}

const strip = (d: Record<string, unknown>) => ({ ...d, decision_id: '', ttl_seconds: 0, cached: false });

/** Sum of a counter's samples whose label text contains every fragment. */
async function metric(name: string, ...fragments: string[]): Promise<number> {
  const text = (await request(h.service.app).get('/metrics')).text;
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && fragments.every((f) => l.includes(f)))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('decisions with the reference policies', () => {
  for (const row of CASES) {
    test(row.name, async () => {
      const token = await tokenFor(row);
      const res = await h.decide({ token, server: row.server, action: row.action }, row.server);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(schemaErrors('Decision', res.body), []);
      for (const [k, v] of Object.entries(row.expect)) assert.deepEqual(res.body[k], v, k);
      assert.equal(res.body.subject === undefined, row.no_subject === true);
      assert.match(res.body.decision_id, /^[0-9a-f-]{36}$/);
    });
  }

  test('the subject echoes the token for the SDK', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'alice', client_id: 'ide', scope: 'mcp:read' });
    const res = await h.decide({ token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/x' } } });
    assert.equal(res.body.subject.sub, 'alice');
    assert.equal(res.body.subject.client_id, 'ide');
    assert.deepEqual(res.body.subject.scopes, ['mcp:read']);
    assert.equal(typeof res.body.subject.exp, 'number');
    assert.equal(res.body.policy_revision, h.service.runtime.policies.status().revision);
  });

  test('a decision served through express answers like one served before it', async () => {
    for (const row of CASES.filter((r) => r.raw === undefined)) {
      const token = await tokenFor(row);
      const body = JSON.stringify({ token, server: row.server, action: row.action });
      const viaExpress = await request(h.service.app).post('/v1/decisions').set('authorization', h.auth(row.server))
        .set('content-type', 'application/json; charset="utf-8"').send(body);
      const direct = await h.decide({ token, server: row.server, action: row.action }, row.server);
      assert.equal(viaExpress.status, 200, row.name);
      assert.deepEqual(strip(viaExpress.body), strip(direct.body), row.name);
    }
  });

  test('batch answers equal single answers, in request order', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'erin', scope: 'mcp:read' });
    const actions = [
      { method: 'tools/call', tool: 'write_file', arguments: { path: '/workspace/b' } },
      { method: 'tools/list', tool: 'read_file' },
      { method: 'tools/call', tool: 'shell_exec' },
      { method: 'tools/call', tool: 'read_file', arguments: { path: '/srv/shared/x' } },
    ];
    const batch = await request(h.service.app).post('/v1/decisions/batch').set('authorization', h.auth('files')).send({ token, server: 'files', actions });
    assert.equal(batch.status, 200);
    assert.deepEqual(schemaErrors('BatchDecisionResponse', batch.body), []);
    const singles = [];
    for (const action of actions) singles.push((await h.decide({ token, server: 'files', action })).body);
    assert.deepEqual(batch.body.results.map(strip), singles.map(strip));
    assert.deepEqual(batch.body.results.map((r: { outcome: string }) => r.outcome), ['deny', 'allow', 'deny', 'allow']);
    assert.equal(new Set(batch.body.results.map((r: { decision_id: string }) => r.decision_id)).size, actions.length);
  });
});

describe('decision cache', () => {
  test('a repeated decision is served from cache; a different context is not', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'frank', scope: 'mcp:read' });
    const body = { token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/c' } }, context: { client_ip: '203.0.113.7' } };
    const hitsBefore = await metric('mcp_authz_decisions_total', 'cache="hit"');
    const first = await h.decide(body);
    const second = await h.decide(body);
    assert.equal(first.body.cached, false);
    assert.equal(second.body.cached, true);
    assert.equal(second.body.outcome, 'allow');
    assert.notEqual(second.body.decision_id, first.body.decision_id, 'every decision has its own id, cached or not');
    assert.equal(await metric('mcp_authz_decisions_total', 'cache="hit"') - hitsBefore, 1);
    const other = await h.decide({ ...body, context: { client_ip: '198.51.100.1' } });
    assert.equal(other.body.cached, false);
  });

  test('a new policy revision invalidates cached decisions', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'gina', scope: 'mcp:read' });
    const body = { token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/tmp/d' } } };
    await h.decide(body);
    const cached = await h.decide(body);
    assert.equal(cached.body.cached, true);
    assert.equal(cached.body.outcome, 'deny');
    const dataFile = join(h.policyDir, 'mcp', 'data.json');
    const data = JSON.parse(readFileSync(dataFile, 'utf8')) as { allowed_paths: string[] };
    data.allowed_paths.push('/tmp/**');
    writeFileSync(dataFile, JSON.stringify(data));
    const attempt = await h.service.runtime.policies.reload();
    assert.equal(attempt.result, 'accepted');
    const after = await h.decide(body);
    assert.equal(after.body.cached, false);
    assert.equal(after.body.outcome, 'allow');
    assert.notEqual(after.body.policy_revision, cached.body.policy_revision);
    data.allowed_paths.pop();
    writeFileSync(dataFile, JSON.stringify(data));
    assert.equal((await h.service.runtime.policies.reload()).result, 'accepted');
  });
});

describe('revocations', () => {
  test('a revocation by token beats a cached allow', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'hank', scope: 'mcp:read' });
    const body = { token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/e' } } };
    await h.decide(body);
    assert.equal((await h.decide(body)).body.cached, true);
    const res = await request(h.service.app).post('/v1/revocations').set('authorization', h.auth('admin')).send({ token, reason: 'test' });
    assert.equal(res.status, 200);
    assert.deepEqual(schemaErrors('RevocationResult', res.body), []);
    assert.equal(res.body.revoked, true);
    assert.equal(res.body.persisted, true);
    assert.match(res.body.token_sha256, /^[0-9a-f]{64}$/);
    const after = await h.decide(body);
    assert.equal(after.body.outcome, 'invalid_token');
    assert.deepEqual(after.body.reasons, ['token_revoked']);
  });

  test('a revocation by (iss, jti) beats a cached allow', async () => {
    const token = await idp.sign({ aud: FILES, sub: 'ivy', scope: 'mcp:read', jti: 'jti-ivy-1' });
    const body = { token, server: 'files', action: { method: 'tools/list', tool: 'read_file' } };
    await h.decide(body);
    assert.equal((await h.decide(body)).body.cached, true);
    const res = await request(h.service.app).post('/v1/revocations').set('authorization', h.auth('admin')).send({ iss: idp.issuer, jti: 'jti-ivy-1' });
    assert.equal(res.status, 200);
    assert.equal(res.body.jti, 'jti-ivy-1');
    assert.equal((await h.decide(body)).body.outcome, 'invalid_token');
  });

  test('only admin callers may revoke', async () => {
    const res = await request(h.service.app).post('/v1/revocations').set('authorization', h.auth('files')).send({ token: 'x' });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'admin_required');
    const none = await request(h.service.app).post('/v1/revocations').send({ token: 'x' });
    assert.equal(none.status, 401);
  });
});

describe('policy reloads', () => {
  async function status(): Promise<Record<string, any>> {
    const res = await request(h.service.app).get('/v1/policies').set('authorization', h.auth('files'));
    assert.equal(res.status, 200);
    assert.deepEqual(schemaErrors('PolicyStatus', res.body), []);
    return res.body;
  }

  test('GET /v1/policies reports revision, modules and the last reload', async () => {
    const s = await status();
    assert.match(s.revision, /^[0-9a-f]{64}$/);
    assert.deepEqual(s.modules.map((m: { path: string }) => m.path).sort(), ['mcp/authz.rego', 'mcp/authz_test.rego']);
    assert.equal(s.last_reload.result, 'ok');
    assert.equal(s.cluster.matches, true);
  });

  const broken = [
    { name: 'a parse error', file: 'mcp/broken.rego', text: 'package mcp.broken\n\nallow if {\n', reason: 'compile_error' },
    { name: 'a failing policy test', file: 'mcp/extra_test.rego', text: 'package mcp.extra_test\n\nimport rego.v1\n\ntest_fails if {\n\tdata.mcp.authz.allow with input as {}\n}\n', reason: 'test_failure' },
  ];
  for (const b of broken) {
    test(`a reload with ${b.name} keeps the old revision serving`, async () => {
      const before = await status();
      const token = await idp.sign({ aud: FILES, sub: 'jack', scope: 'mcp:read' });
      const path = join(h.policyDir, ...b.file.split('/'));
      const failedBefore = await metric('mcp_authz_policy_reloads_total', `result="${b.reason}"`);
      writeFileSync(path, b.text);
      try {
        const attempt = await h.service.runtime.policies.reload();
        assert.equal(attempt.result, b.reason);
        const s = await status();
        assert.equal(s.revision, before.revision);
        assert.equal(s.last_reload.result, 'failed');
        assert.equal(s.last_reload.reason, b.reason);
        assert.ok(s.last_reload.errors.length > 0);
        assert.equal(await metric('mcp_authz_policy_reloads_total', `result="${b.reason}"`) - failedBefore, 1);
        const d = await h.decide({ token, server: 'files', action: { method: 'tools/call', tool: 'read_file', arguments: { path: '/workspace/f' } } });
        assert.equal(d.body.outcome, 'allow');
        assert.equal(d.body.policy_revision, before.revision);
        assert.equal((await request(h.service.app).get('/readyz')).status, 200);
      } finally {
        const { rmSync } = await import('node:fs');
        rmSync(path);
        await h.service.runtime.policies.reload();
      }
    });
  }
});

describe('bad input answers problem+json and the service keeps serving', () => {
  // Built as text: JSON.stringify itself overflows the stack on thousands of levels.
  const deep = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const rows: Array<{ name: string; body?: unknown; raw?: string; caller?: 'files' | 'github'; path?: string; status: number; code: string }> = [
    { name: 'malformed action (no method)', body: { token: 't', server: 'files', action: { tool: 'read_file' } }, status: 400, code: 'invalid_request' },
    { name: 'malformed action (a string)', body: { token: 't', server: 'files', action: 'tools/call' }, status: 400, code: 'invalid_request' },
    { name: 'unknown member', body: { token: 't', server: 'files', action: { method: 'm' }, extra: 1 }, status: 400, code: 'invalid_request' },
    { name: 'malformed JSON', raw: '{"token": "t", "server":', status: 400, code: 'malformed_body' },
    { name: 'unknown server', body: { token: 't', server: 'nope', action: { method: 'tools/list', tool: 'x' } }, status: 403, code: 'unknown_server' },
    { name: 'a server of another caller', body: { token: 't', server: 'github', action: { method: 'tools/list', tool: 'x' } }, status: 403, code: 'server_not_allowed' },
    { name: 'arguments over the limit', body: { token: 't', server: 'files', action: { method: 'tools/call', tool: 'write_file', arguments: { content: 'x'.repeat(2000) } } }, status: 413, code: 'arguments_too_large' },
    { name: 'a body over the limit', body: { token: 't', server: 'files', action: { method: 'tools/call', tool: 'write_file', arguments: { content: 'x'.repeat(70_000) } } }, status: 413, code: 'payload_too_large' },
    { name: 'deeply nested arguments', raw: `{"token":"t","server":"files","action":{"method":"tools/call","tool":"read_file","arguments":${deep(10_000)}}}`, status: 400, code: 'nesting_too_deep' },
    { name: 'deeply nested context', raw: `{"token":"t","server":"files","action":{"method":"tools/list","tool":"read_file"},"context":${deep(40)}}`, status: 400, code: 'nesting_too_deep' },
    { name: 'deeply nested batch action', path: '/v1/decisions/batch', raw: `{"token":"t","server":"files","actions":[{"method":"tools/list","tool":"a"},{"method":"tools/call","tool":"b","arguments":${deep(100)}}]}`, status: 400, code: 'nesting_too_deep' },
    { name: 'empty batch', path: '/v1/decisions/batch', body: { token: 't', server: 'files', actions: [] }, status: 400, code: 'invalid_request' },
  ];
  // Plain JSON is served before express; any other JSON content type goes through express's
  // body-parser: both must answer the same.
  const paths = [['direct', 'application/json'], ['express', 'application/json; charset="utf-8"']] as const;
  for (const row of rows) for (const [via, contentType] of paths) {
    test(`${row.name} (${via})`, async () => {
      const req = request(h.service.app).post(row.path ?? '/v1/decisions').set('authorization', h.auth(row.caller ?? 'files'))
        .set('content-type', contentType);
      const res = await req.send(row.raw ?? JSON.stringify(row.body));
      assert.equal(res.status, row.status, res.text);
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
      assert.equal(res.body.code, row.code);
      assert.deepEqual(schemaErrors('Problem', res.body), []);
      const token = await idp.sign({ aud: FILES, sub: 'kim', scope: 'mcp:read' });
      const ok = await h.decide({ token, server: 'files', action: { method: 'tools/list', tool: 'read_file' } });
      assert.equal(ok.body.outcome, 'allow');
    });
  }

  test('caller authentication comes first', async () => {
    const res = await request(h.service.app).post('/v1/decisions').send({ token: 't', server: 'files', action: { method: 'm' } });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'missing_credentials');
  });
});

// Policy input building, result interpretation (data table) and the Rego engine adapter's fail-closed paths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildPolicyInput, createRegoPolicyEngine, interpretResult, type EvaluablePolicy } from '../../service/src/decisions/index.js';
import { RegoSet } from '../../service/src/rego/value.js';

interface Case {
  name: string;
  value: unknown;
  expect?: Record<string, unknown>;
  error?: string;
}
const cases = JSON.parse(readFileSync(new URL('./interpret-result.cases.json', import.meta.url), 'utf8')) as Case[];

describe('interpretResult', () => {
  for (const c of cases) {
    test(c.name, () => {
      const r = interpretResult(c.value, 'data.x');
      if (c.error) {
        assert.equal(r.allow, false);
        assert.equal(r.error?.code, c.error);
        assert.deepEqual(r.reasons, [`policy_error: ${c.error}`]);
      } else assert.deepEqual(r, c.expect);
    });
  }
});

describe('buildPolicyInput', () => {
  test('matches the DESIGN.md shape and the service sets the time', () => {
    const input = buildPolicyInput(
      { sub: 'alice', client_id: 'c1', issuer: 'https://iss', scopes: ['mcp:read'], claims: { sub: 'alice', org: 'acme' }, exp: 1, jti: 'j' },
      { id: 'github', resource: 'https://mcp.example.com/mcp' },
      { method: 'tools/call', tool: 'create_issue', arguments: { repo: 'acme/api' } },
      { client_ip: '203.0.113.7', time: 'caller-chosen' },
      Date.UTC(2025, 0, 2, 3, 4, 5),
    );
    assert.deepEqual(input, {
      subject: { sub: 'alice', client_id: 'c1', issuer: 'https://iss', scopes: ['mcp:read'], claims: { sub: 'alice', org: 'acme' } },
      server: { id: 'github', resource: 'https://mcp.example.com/mcp' },
      action: { method: 'tools/call', tool: 'create_issue', arguments: { repo: 'acme/api' } },
      context: { client_ip: '203.0.113.7', time: '2025-01-02T03:04:05.000Z' },
    });
  });
});

describe('createRegoPolicyEngine', () => {
  const input = buildPolicyInput({ issuer: 'i', scopes: [], claims: {} }, { id: 's', resource: 'r' }, { method: 'tools/list' }, undefined, 0);
  const policy = (values: Record<string, unknown>, throwOn?: string): EvaluablePolicy => ({
    evalRef(ref) {
      if (ref === throwOn) throw Object.assign(new Error('boom'), { code: 'eval_conflict_error' });
      return values[ref] as never;
    },
  });

  test('uses the decision object, converting sets to lists', () => {
    const e = createRegoPolicyEngine({ revision: 'r1', policy: policy({ 'data.mcp.authz.decision': { allow: false, reasons: new RegoSet(['b', 'a']) } }) });
    assert.deepEqual(e.evaluate(input), { allow: false, reasons: ['a', 'b'], required_scopes: [] });
    assert.equal(e.revision, 'r1');
  });

  test('falls back to the boolean allow rule', () => {
    const e = createRegoPolicyEngine({ revision: 'r1', policy: policy({ 'data.mcp.authz.allow': true }) });
    assert.equal(e.evaluate(input).allow, true);
  });

  test('a configured entrypoint replaces the default', () => {
    const e = createRegoPolicyEngine({ revision: 'r1', entrypoint: 'data.custom.d', fallbackEntrypoint: null, policy: policy({ 'data.custom.d': { allow: true }, 'data.mcp.authz.allow': false }) });
    assert.equal(e.evaluate(input).allow, true);
  });

  test('undefined denies', () => {
    const e = createRegoPolicyEngine({ revision: 'r1', policy: policy({}) });
    assert.deepEqual(e.evaluate(input), { allow: false, reasons: ['policy_undefined'], required_scopes: [] });
  });

  test('an evaluation error denies and carries its code', () => {
    const e = createRegoPolicyEngine({ revision: 'r1', policy: policy({}, 'data.mcp.authz.decision') });
    const d = e.evaluate(input);
    assert.equal(d.allow, false);
    assert.equal(d.error?.code, 'eval_conflict_error');
    assert.deepEqual(d.reasons, ['policy_error: eval_conflict_error']);
  });

  test('a non-boolean fallback denies', () => {
    const e = createRegoPolicyEngine({ revision: 'r1', policy: policy({ 'data.mcp.authz.allow': 'yes' }) });
    assert.equal(e.evaluate(input).error?.code, 'policy_invalid_result');
  });
});

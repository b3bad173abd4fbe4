// Which failures are outages, malformed requests or misconfigurations (data table), and that each misconfiguration is logged once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AuthzRequestError, AuthzResponseError, AuthzTimeoutError, AuthzUnavailableError, type AuthzError } from '@mcp-authz/sdk';
import { classifyFailure, createMisconfigurationReporter } from '../../../sdk/src/core/failures.js';

interface Row {
  error: { request: [number, string] } | 'unavailable' | 'timeout' | 'bad_response';
  kind: string;
  fix?: string;
}

const rows = parse(readFileSync(new URL('./failures.cases.yaml', import.meta.url), 'utf8')) as Row[];

function errorOf(row: Row): AuthzError {
  if (row.error === 'unavailable') return new AuthzUnavailableError('down', 502);
  if (row.error === 'timeout') return new AuthzTimeoutError(100);
  if (row.error === 'bad_response') return new AuthzResponseError('no results');
  const [status, code] = row.error.request;
  return new AuthzRequestError(status, code, 'detail');
}

for (const row of rows) {
  test(`${JSON.stringify(row.error)} → ${row.kind}`, () => {
    const failure = classifyFailure(errorOf(row), 'files');
    assert.equal(failure.kind, row.kind);
    if (row.fix !== undefined) {
      assert.ok(failure.kind === 'misconfigured');
      assert.ok(failure.fix.includes(row.fix), failure.fix);
      assert.match(failure.fix, /Fix: /);
    }
  });
}

test('a misconfiguration is logged once per kind', () => {
  const lines: string[] = [];
  const report = createMisconfigurationReporter({ error: (line) => lines.push(line) });
  for (let i = 0; i < 3; i++) {
    report({ key: '401 invalid_credentials', fix: 'set the secret' });
    report({ key: '403 unknown_server', fix: 'register the server' });
  }
  assert.deepEqual(lines, ['@mcp-authz/sdk: set the secret', '@mcp-authz/sdk: register the server']);
});

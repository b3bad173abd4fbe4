// Fuzz of configuration loading: authz.config.yaml contents (a valid file with one member broken,
// random YAML, random text) and the AUTHZ_* environment forms. Properties: loadConfig either returns
// or throws ConfigError naming each bad key (never a TypeError or another crash), and an error never
// echoes a caller secret given through AUTHZ_CLIENTS or AUTHZ_ADMIN_KEYS.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../../service/src/config/index.js';
import { jsonJunk } from '../support/arbitraries.js';
import { counted, fuzzParameters } from '../support/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-fuzz-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A valid file touching most sections; mutations break one member of it at a time. */
const TEMPLATE: Record<string, unknown> = {
  http: { host: '127.0.0.1', port: 8080, trust_proxy: false, body_limit_bytes: 65536, auth_throttle: { max_failures: 10, max_failures_per_caller: 100, window_seconds: 60 } },
  redis: { url: 'redis://127.0.0.1:6379', key_prefix: 'x:' },
  policies: { dir: './policies', watch: true },
  logging: { level: 'info' },
  decisions: { max_argument_bytes: 1024, max_json_depth: 8 },
  decision_logs: { sinks: [{ type: 'jsonl', path: './d.jsonl' }, { type: 'http', url: 'https://logs.test/in', headers: { a: 'b' } }, { type: 'stdout' }] },
  tokens: { max_token_bytes: 4096, jwks: { timeout_ms: 1000 } },
  cache: { token_max_ttl_seconds: 60 },
  issuers: [
    { issuer: 'https://idp.test', jwks_uri: 'https://idp.test/jwks', algorithms: ['RS256'], clock_tolerance: 10, scope_claims: ['scope'] },
    { issuer: 'https://opaque.test', introspection: { client_id: 'c', client_secret: 's' } },
  ],
  servers: [
    { id: 'files', resource: 'https://files.test/mcp', issuers: ['https://idp.test'], audiences: ['files-api'] },
    { id: 'github', resource: 'https://github.test/mcp', opaque_token_issuer: 'https://opaque.test' },
  ],
  callers: [
    { id: 'files-mcp', secret_hashes: ['sha256:0000000000000000000000000000000000000000000000000000000000000000'], servers: ['files'] },
    { id: 'ops', role: 'admin', secret_hashes: ['sha256:1111111111111111111111111111111111111111111111111111111111111111'] },
  ],
  oauth: { enabled: false },
};

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}
const TEMPLATE_PATHS = paths(TEMPLATE).filter((p) => p.length > 0);

type Mutation = { path: Path; op: 'replace' | 'delete' | 'add_key'; value: unknown; key: string };

function mutate(mutations: Mutation[]): unknown {
  const copy = structuredClone(TEMPLATE);
  for (const m of mutations) {
    let parent: any = copy;
    for (const k of m.path.slice(0, -1)) {
      parent = parent?.[k];
      if (parent === null || typeof parent !== 'object') break;
    }
    if (parent === null || typeof parent !== 'object') continue;
    const last = m.path[m.path.length - 1]!;
    if (m.op === 'replace') parent[last] = m.value;
    else if (m.op === 'delete' && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (m.op === 'delete') delete parent[last];
    else if (parent[last] !== null && typeof parent[last] === 'object') parent[last][m.key] = m.value;
  }
  return copy;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  path: fc.constantFrom(...TEMPLATE_PATHS),
  op: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add_key' as const),
  value: fc.oneof(jsonJunk, fc.constantFrom(-1, 0, 1.5, 2 ** 53, '', 'x', [], {}, null, true, '${HOME}', 'http://', 'https://a.test')),
  key: fc.constantFrom('extra', '__proto__', 'constructor', 'issuer', 'id'),
});

const YAML_ODDITIES = ['', '---\n', '~', '[]', '42', '"text"', 'http: !!binary aGVsbG8=', 'a: &x {b: *x}', 'http: {port: 1}\nhttp: {port: 2}',
  '<<: {http: {port: 1}}', 'issuers: !!set {a, b}', 'http:\n  port: 0x1F90', 'servers: [{id: a, resource: b}]\n...\n---\nother: 1',
  'callers:\n  - id: a\n    secret_hashes: !!js/function "() => 1"', '\t\tbad indent', 'http: {port: .inf}', 'redis: {url: null}',
  'a: 2001-12-14t21:59:43.10-05:00', 'http: {port: 8080e0}'];

const fileArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((m) => stringify(mutate(m))), weight: 6 },
  { arbitrary: fc.constantFrom(...YAML_ODDITIES), weight: 2 },
  { arbitrary: jsonJunk.map((v) => stringify(v)), weight: 1 },
  { arbitrary: fc.string({ maxLength: 60 }), weight: 1 },
);

const SECRET = 'S3cret-never-echoed-7f3a';
const envArb: fc.Arbitrary<Record<string, string>> = fc.record({
  PORT: fc.constantFrom('8080', '0', '65536', '-1', 'http', ' 80 ', '1e3'),
  HOST: fc.constantFrom('127.0.0.1', '', ' '),
  REDIS_URL: fc.constantFrom('redis://127.0.0.1:1', 'not a url', ''),
  POLICY_DIR: fc.constantFrom('./policies', ''),
  AUTHZ_JWT_ISSUER: fc.constantFrom('https://idp.test', 'https://env-idp.test', 'not a url', ''),
  AUTHZ_JWT_JWKS_URI: fc.constantFrom('https://env-idp.test/jwks', 'ftp://x', ''),
  AUTHZ_JWT_ALGORITHMS: fc.constantFrom('RS256', 'RS256,ES256', 'HS256', 'none', ',,', 'RS256,RS256'),
  AUTHZ_JWT_AUDIENCE: fc.constantFrom('api://mcp', 'https://files.test/mcp', ''),
  AUTHZ_SERVERS: fc.constantFrom('a=https://a.test/mcp', 'files=https://files.test/mcp', 'a=', '=b', 'a=b=c', 'a=https://x.test,a=https://y.test', ',', 'bad id=https://x.test'),
  AUTHZ_CLIENTS: fc.constantFrom(`c:${SECRET}:a`, `c:${SECRET}:files|github`, `c:${SECRET}`, `:${SECRET}:a`, `c:${SECRET}:`, `c:${SECRET}:a:b`, `files-mcp:${SECRET}:files`, `c:${SECRET}:a|`),
  AUTHZ_ADMIN_KEYS: fc.constantFrom(SECRET, `${SECRET},${SECRET}`, ','),
}, { requiredKeys: [] });

let n = 0;

function loadOnce(text: string, env: Record<string, string>): void {
  const file = join(dir, `config-${n++}.yaml`);
  writeFileSync(file, text);
  try {
    loadConfig({ env: { ...env, AUTHZ_CONFIG: file }, cwd: dir });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${(err as Error)?.stack ?? String(err)}\n--- file:\n${text}\n--- env: ${JSON.stringify(env)}`);
    assert.ok(err.issues.length > 0, 'a ConfigError lists its problems');
    for (const issue of err.issues) {
      assert.equal(typeof issue.path, 'string');
      assert.ok(typeof issue.message === 'string' && issue.message !== '', 'each problem says what is wrong');
    }
    assert.ok(!err.message.includes(SECRET), `the error echoes a secret: ${err.message}`);
  } finally {
    rmSync(file, { force: true });
  }
}

test('config files and environment forms: loaded, or a ConfigError naming the keys', () => {
  fc.assert(fc.property(fileArb, envArb, counted('config.load', loadOnce)), fuzzParameters(300));
});

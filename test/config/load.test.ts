// Configuration: defaults, the environment quick forms, the file, and errors that name the key.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { hashSecret, secretMatches } from '../../service/src/callers/secrets.js';
import { ConfigError, createRegistry, DEFAULTS, loadConfig, resolveConfig } from '../../service/src/config/index.js';

interface ErrorRow { name: string; file?: Record<string, unknown>; env?: Record<string, string>; path: string; message: string }
const ERRORS = parse(readFileSync(new URL('./config-errors.yaml', import.meta.url), 'utf8')) as ErrorRow[];

describe('defaults', () => {
  test('an empty configuration is valid and uses the documented defaults', () => {
    const config = resolveConfig({});
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.port, 8080);
    assert.equal(config.redis.url, undefined);
    assert.equal(config.policies.dir, './policies');
    assert.equal(config.tokens.max_token_bytes, 16_384);
    assert.deepEqual(config.http, { ...DEFAULTS.http, auth_throttle: { ...DEFAULTS.http.auth_throttle } });
    assert.deepEqual(config.issuers, []);
  });

  test('issuer defaults: asymmetric algorithms, scope and client id claims', () => {
    const config = resolveConfig({ issuers: [{ issuer: 'https://idp.test' }] });
    assert.deepEqual(config.issuers[0]!.algorithms, ['RS256', 'ES256', 'EdDSA']);
    assert.deepEqual(config.issuers[0]!.scope_claims, ['scope', 'scp']);
    assert.deepEqual(config.issuers[0]!.client_id_claims, ['client_id', 'azp']);
  });
});

describe('environment quick forms', () => {
  const env = {
    PORT: '9090', HOST: '0.0.0.0', REDIS_URL: 'redis://127.0.0.1:6379', POLICY_DIR: '/srv/policies',
    AUTHZ_JWT_ISSUER: 'https://idp.test', AUTHZ_JWT_JWKS_URI: 'https://idp.test/jwks',
    AUTHZ_JWT_ALGORITHMS: 'ES256, EdDSA', AUTHZ_SERVERS: 'github=https://gh.test/mcp,files=https://f.test/mcp?x=1',
    AUTHZ_CLIENTS: 'gh-mcp:s3cret:github,docs-mcp:other:docs|files', AUTHZ_ADMIN_KEYS: 'admin-key-1,admin-key-2',
  };

  test('map onto the configuration', () => {
    const config = resolveConfig({}, env);
    assert.equal(config.http.port, 9090);
    assert.equal(config.http.host, '0.0.0.0');
    assert.equal(config.redis.url, 'redis://127.0.0.1:6379');
    assert.equal(config.policies.dir, '/srv/policies');
    assert.deepEqual(config.issuers.map((i) => [i.issuer, i.jwks_uri, i.algorithms]), [['https://idp.test', 'https://idp.test/jwks', ['ES256', 'EdDSA']]]);
    assert.deepEqual(config.servers.map((s) => [s.id, s.resource, s.audiences]), [
      ['github', 'https://gh.test/mcp', []],
      ['files', 'https://f.test/mcp?x=1', []],
      ['docs', 'docs', []],
    ]);
    const [gh, docs, admin1, admin2] = config.callers;
    assert.deepEqual([gh!.id, gh!.role, gh!.servers], ['gh-mcp', 'resource_server', ['github']]);
    assert.deepEqual(docs!.servers, ['docs', 'files']);
    assert.ok(secretMatches('s3cret', gh!.secret_hashes));
    assert.ok(!JSON.stringify(config).includes('s3cret'), 'only hashes are kept');
    assert.deepEqual([admin1!.role, admin2!.role], ['admin', 'admin']);
    const registry = createRegistry(config);
    assert.equal(registry.callerMayAsk(admin1!, 'github'), true);
    assert.equal(registry.callerMayAsk(gh!, 'files'), false);
  });

  test('environment values override the file and add to its lists', () => {
    const config = resolveConfig({ http: { port: 1234 }, servers: [{ id: 'wiki', resource: 'https://w.test' }] }, { PORT: '4321', AUTHZ_CLIENTS: 'w:x:wiki' });
    assert.equal(config.http.port, 4321);
    assert.deepEqual(config.servers.map((s) => s.id), ['wiki']);
    assert.deepEqual(config.callers[0]!.servers, ['wiki']);
  });

  test('AUTHZ_JWT_AUDIENCE is the extra audience of the one server the environment defines', () => {
    const config = resolveConfig({}, { AUTHZ_SERVERS: 'github=https://gh.test/mcp', AUTHZ_JWT_AUDIENCE: 'api://mcp, api://gh' });
    assert.deepEqual(config.servers.map((s) => [s.id, s.audiences]), [['github', ['api://mcp', 'api://gh']]]);
  });

  test('AUTHZ_JWT_REQUIRED_TYP makes the environment issuer require a typ', () => {
    const config = resolveConfig({}, { AUTHZ_JWT_ISSUER: 'https://idp.test', AUTHZ_JWT_REQUIRED_TYP: 'at+jwt' });
    assert.equal(config.issuers[0]!.required_typ, 'at+jwt');
    assert.equal(resolveConfig({}, { AUTHZ_JWT_ISSUER: 'https://idp.test' }).issuers[0]!.required_typ, undefined);
  });

  test('empty variables count as unset', () => {
    assert.equal(resolveConfig({}, { PORT: '', REDIS_URL: '  ' }).http.port, 8080);
  });
});

describe('the file', () => {
  test('AUTHZ_CONFIG names the YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authz-config-'));
    try {
      writeFileSync(join(dir, 'custom.yaml'), `http:\n  port: 7000\nservers:\n  - id: github\n    resource: https://gh.test/mcp\ncallers:\n  - id: gh\n    secret_hashes: ["${hashSecret('x')}"]\n    servers: [github]\n`);
      const config = loadConfig({ cwd: dir, env: { AUTHZ_CONFIG: 'custom.yaml' } });
      assert.equal(config.http.port, 7000);
      assert.equal(config.callers[0]!.id, 'gh');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('./authz.config.yaml is read when present; errors name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authz-config-'));
    try {
      writeFileSync(join(dir, 'authz.config.yaml'), 'http:\n  prot: 1\n');
      assert.throws(() => loadConfig({ cwd: dir, env: {} }), (err: ConfigError) => err.message.includes('authz.config.yaml') && err.message.includes('http.prot: is not a known key'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing AUTHZ_CONFIG file and broken YAML are reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authz-config-'));
    try {
      assert.throws(() => loadConfig({ cwd: dir, env: { AUTHZ_CONFIG: 'absent.yaml' } }), /AUTHZ_CONFIG: cannot read .*absent\.yaml: ENOENT/);
      writeFileSync(join(dir, 'bad.yaml'), 'http: [unclosed\n');
      assert.throws(() => loadConfig({ cwd: dir, env: { AUTHZ_CONFIG: 'bad.yaml' } }), ConfigError);
      writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
      assert.throws(() => loadConfig({ cwd: dir, env: { AUTHZ_CONFIG: 'list.yaml' } }), /must be a mapping/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('invalid configuration names the key', () => {
  for (const row of ERRORS) {
    test(row.name, () => {
      assert.throws(() => resolveConfig(row.file ?? {}, row.env ?? {}), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, 'ERR_CONFIG_INVALID');
        const issue = err.issues.find((i) => i.path === row.path);
        assert.ok(issue, `no issue at ${row.path}: ${err.message}`);
        assert.ok(issue.message.includes(row.message), `${issue.message} should include ${row.message}`);
        assert.ok(err.message.includes(`${row.path}: `));
        return true;
      });
    });
  }

  test('environment, schema and cross-reference problems arrive in one run', () => {
    const file = {
      sever: {},
      issuers: [{ issuer: 'https://idp.test', algorithms: ['HS256'] }],
      servers: [{ id: 'files', resource: 'https://f.test', issuers: ['https://nobody.test'] }],
    };
    assert.throws(() => resolveConfig(file, { PORT: 'eighty' }), (err: ConfigError) => {
      const paths = err.issues.map((i) => i.path);
      for (const want of ['PORT', 'sever', 'issuers[0].algorithms[0]', 'servers[0].issuers[0]']) {
        assert.ok(paths.includes(want), `${want} missing from ${paths.join(', ')}`);
      }
      return true;
    });
  });

  test('a cross-check does not repeat a key the schema already refused', () => {
    const file = { servers: [{ id: 'a', resource: 'https://a.test', issuers: 'not-a-list' }] };
    assert.throws(() => resolveConfig(file), (err: ConfigError) => {
      assert.deepEqual(err.issues.map((i) => i.path), ['servers[0].issuers']);
      return true;
    });
  });

  test('every key of a shared audience is named at once', () => {
    const servers = [
      { id: 'a', resource: 'https://a.test', audiences: ['api'] },
      { id: 'b', resource: 'https://b.test', audiences: ['api'] },
      { id: 'c', resource: 'https://a.test' },
    ];
    assert.throws(() => resolveConfig({ servers }), (err: ConfigError) => {
      assert.deepEqual(err.issues.map((i) => i.path).sort(), ['servers[0].audiences[0]', 'servers[0].resource', 'servers[1].audiences[0]', 'servers[2].resource']);
      return true;
    });
  });

  test('servers that each set shared_audience may share an audience', () => {
    const config = resolveConfig({ servers: [
      { id: 'a', resource: 'https://a.test', audiences: ['api'], shared_audience: true },
      { id: 'b', resource: 'https://b.test', audiences: ['api'], shared_audience: true },
    ] });
    assert.deepEqual(config.servers.map((s) => s.shared_audience), [true, true]);
    assert.equal(resolveConfig({ servers: [{ id: 'a', resource: 'r' }] }).servers[0]!.shared_audience, false);
  });

  test('a secret in a malformed AUTHZ_CLIENTS entry is not echoed', () => {
    assert.throws(() => resolveConfig({}, { AUTHZ_CLIENTS: 'id:topsecret' }), (err: Error) => !err.message.includes('topsecret'));
  });
});

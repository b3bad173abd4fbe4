// The `oauth` configuration section and the issuers it implies (discovery-only).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../service/src/config/index.js';

describe('oauth configuration', () => {
  test('off by default, with documented defaults', () => {
    const config = resolveConfig({});
    assert.equal(config.oauth.enabled, false);
    assert.equal(config.oauth.registration.enabled, true);
    assert.deepEqual(config.issuers, []);
  });

  test('enabling the built-in AS adds it as an at+jwt issuer at http://host:port', () => {
    const config = resolveConfig({ http: { port: 9090 }, oauth: { enabled: true } });
    assert.deepEqual(config.issuers.map((i) => [i.issuer, i.required_typ, i.algorithms]), [['http://127.0.0.1:9090', 'at+jwt', ['RS256']]]);
  });

  test("a server's authorization_servers become trusted discovery-only issuers", () => {
    const config = resolveConfig({
      issuers: [{ issuer: 'https://static.example', jwks_uri: 'https://static.example/jwks' }],
      servers: [{ id: 'files', resource: 'https://files.example/mcp', issuers: ['https://static.example'], authorization_servers: ['https://login.example'] }],
    });
    const added = config.issuers.find((i) => i.issuer === 'https://login.example');
    assert.ok(added);
    assert.equal(added.jwks_uri, undefined);
    assert.deepEqual(config.servers[0]!.issuers, ['https://static.example', 'https://login.example']);
  });

  test('bad oauth keys are named', () => {
    assert.throws(() => resolveConfig({ oauth: { signing_alg: 'HS256' } }), (e: ConfigError) => e.message.includes('oauth.signing_alg'));
    assert.throws(() => resolveConfig({ oauth: { clients: [{ client_id: 'm', client_secret: 'short' }] } }), (e: ConfigError) => e.message.includes('oauth.clients[0].client_secret'));
  });
});

describe('oauth configuration checks', () => {
  test('port 0 needs an explicit issuer', () => {
    assert.throws(() => resolveConfig({ http: { port: 0 }, oauth: { enabled: true } }), (e: ConfigError) => e.message.includes('oauth.issuer'));
    assert.equal(resolveConfig({ http: { port: 0 }, oauth: { enabled: true, issuer: 'http://127.0.0.1:9000' } }).oauth.issuer, 'http://127.0.0.1:9000');
  });
});

// Credentials in configuration URLs: refused wherever they are (the rows in config-errors.yaml), never
// echoed in the error, and not confused with what is not a credential.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../service/src/config/index.js';

test('the error names every key and never repeats the secret', () => {
  let error: unknown;
  try {
    resolveConfig({
      issuers: [{ issuer: 'https://idp.test', jwks_uri: 'https://svc:hunter2@idp.test/jwks', introspection: { endpoint: 'https://a:s3cr3t@idp.test/introspect', client_id: 'c', client_secret: 'x' } }],
      oauth: { issuer: 'https://admin:pa55@as.test' },
    });
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(error.issues.map((i) => i.path), ['issuers[0].jwks_uri', 'issuers[0].introspection.endpoint', 'oauth.issuer']);
  for (const secret of ['hunter2', 's3cr3t', 'pa55']) assert.ok(!error.message.includes(secret), `${secret} is not in the message`);
});

test('what is not a credential is accepted: the Redis URL\'s password, an ssh account name, an @ in a path', () => {
  const config = resolveConfig({
    redis: { url: 'redis://:hunter2@127.0.0.1:6379' },
    policies: { git_url: 'ssh://git@git.test/org/policies.git' },
    issuers: [{ issuer: 'https://idp.test/tenants/@acme', jwks_uri: 'https://idp.test/jwks?owner=a@b.test' }],
  });
  assert.equal(config.policies.git_url, 'ssh://git@git.test/org/policies.git');
  assert.equal(config.issuers[0]!.jwks_uri, 'https://idp.test/jwks?owner=a@b.test');
});

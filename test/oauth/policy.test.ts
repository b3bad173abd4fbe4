// Client policy as data: redirect URIs, dynamic registration limits, metadata document URLs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { metadataDocumentAllowed, redirectUriProblem, registrationProblem } from '../../service/src/oauth/index.js';

const table = parse(readFileSync(new URL('./policy.cases.yaml', import.meta.url), 'utf8')) as {
  redirect_uris: { uri: string; allowed: boolean }[];
  metadata_documents: { url: string; allowed: boolean }[];
};

describe('redirect URI policy', () => {
  for (const c of table.redirect_uris) {
    test(`${c.uri} → ${c.allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(redirectUriProblem(c.uri) === undefined, c.allowed);
    });
  }
});

describe('dynamic registration policy', () => {
  test('a refused redirect URI is invalid_redirect_uri', () => {
    assert.equal(registrationProblem({ redirect_uris: ['https://ok.example/cb', 'http://evil.example/cb'] })?.error, 'invalid_redirect_uri');
  });
  test('client credentials cannot be self-registered', () => {
    assert.equal(registrationProblem({ grant_types: ['authorization_code', 'client_credentials'] })?.error, 'invalid_client_metadata');
  });
  test('a loopback public client is fine', () => {
    assert.equal(registrationProblem({ redirect_uris: ['http://127.0.0.1:9/cb'], grant_types: ['authorization_code', 'refresh_token'] }), undefined);
  });
});

describe('client ID metadata document URLs', () => {
  for (const c of table.metadata_documents) {
    test(`${c.url} → ${c.allowed ? 'fetched' : 'refused'}`, () => {
      assert.equal(metadataDocumentAllowed(c.url), c.allowed);
    });
  }
});

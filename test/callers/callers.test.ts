// Caller secrets (generated, hashed, compared) and the failed-authentication throttle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticateCaller, createMemoryFailureThrottle, generateSecret, hashSecret, secretMatches } from '../../service/src/callers/index.js';
import { createRegistry, resolveConfig } from '../../service/src/config/index.js';

test('generated secrets are high-entropy, unique, and free of :,|', () => {
  const a = generateSecret();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateSecret());
  assert.match(hashSecret(a), /^sha256:[0-9a-f]{64}$/);
});

test('a secret matches either of two hashes during a rotation, and nothing else', () => {
  const hashes = [hashSecret('old'), hashSecret('new')];
  assert.ok(secretMatches('old', hashes));
  assert.ok(secretMatches('new', hashes));
  assert.ok(!secretMatches('other', hashes));
  assert.ok(!secretMatches('', hashes));
});

test('Basic (plain or form-encoded) and bearer API keys find the caller', () => {
  const registry = createRegistry(resolveConfig({
    servers: [{ id: 's', resource: 'r' }],
    callers: [
      { id: 'rs', secret_hashes: [hashSecret('a b+c')], servers: ['s'] },
      { id: 'ops', role: 'admin', secret_hashes: [hashSecret('admin-key')] },
    ],
  }));
  const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
  assert.deepEqual(authenticateCaller(registry, basic('rs:a b+c')), { ok: true, caller: registry.callers.get('rs') });
  assert.equal(authenticateCaller(registry, basic('rs:a+b%2Bc')).ok, true);
  assert.equal(authenticateCaller(registry, 'Bearer admin-key').ok && authenticateCaller(registry, 'Bearer admin-key').ok, true);
  assert.deepEqual(authenticateCaller(registry, undefined), { ok: false, code: 'missing_credentials' });
  assert.deepEqual(authenticateCaller(registry, basic('ghost:a b+c')), { ok: false, code: 'invalid_credentials' });
  assert.deepEqual(authenticateCaller(registry, 'Basic'), { ok: false, code: 'malformed_credentials' });
});

test('the throttle blocks after max failures until the window ends', () => {
  let now = 0;
  const throttle = createMemoryFailureThrottle({ maxFailures: 2, windowSeconds: 10, now: () => now });
  throttle.recordFailure('ip');
  assert.equal(throttle.retryAfter('ip'), 0);
  throttle.recordFailure('ip');
  assert.equal(throttle.retryAfter('ip'), 10);
  assert.equal(throttle.retryAfter('other'), 0);
  now = 10_000;
  assert.equal(throttle.retryAfter('ip'), 0);
});

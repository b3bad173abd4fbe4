// Remote OAuth: an external IdP (a real, separate oidc-provider) is trusted through a server's
// `authorization_servers` — no keys: discovery finds its JWKS. Its one issuer entry only opts in to
// high-S ECDSA signatures, which oidc-provider (node:crypto) makes about half the time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashSecret } from '../../service/src/callers/secrets.js';
import { resolveConfig } from '../../service/src/config/index.js';
import { createService, type Service } from '../../service/src/main.js';
import { lowSSpelling } from '../../service/src/tokens/index.js';
import { startExternalIdp, type ExternalIdp } from './support/external-idp.js';
import { cleanRedis, listen, redisUrl, root, testPrefix } from './support/harness.js';

const resource = 'https://files.example.test/mcp';
const otherResource = 'https://github.example.test/mcp';
const secret = randomBytes(24).toString('base64url');
const adminKey = randomBytes(24).toString('base64url');
const prefix = testPrefix('oauth-remote');

let idp: ExternalIdp;
let service: Service;
let url: string;
let closeListener: () => Promise<void>;

async function introspect(token: string, server: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/oauth2/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`files-mcp:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, server }).toString(),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

before(async () => {
  idp = await startExternalIdp();
  const listener = await listen();
  url = listener.url;
  closeListener = listener.close;
  const config = resolveConfig({
    redis: { url: redisUrl, key_prefix: prefix },
    policies: { dir: join(root, 'policies') },
    issuers: [{ issuer: idp.issuer, accept_high_s_signatures: true }],
    servers: [
      { id: 'files', resource, authorization_servers: [idp.issuer] },
      { id: 'github', resource: otherResource },
    ],
    callers: [
      { id: 'files-mcp', secret_hashes: [hashSecret(secret)], servers: ['files', 'github'] },
      { id: 'ops', role: 'admin', secret_hashes: [hashSecret(adminKey)] },
    ],
  });
  service = createService({ config });
  await service.start();
  listener.setHandler(service.app);
});

after(async () => {
  await closeListener?.();
  await service?.close();
  await idp?.close();
  await cleanRedis(prefix);
});

describe('remote OAuth with discovery-only configuration', () => {
  test('the configuration holds only the issuer URL, implied by authorization_servers', () => {
    const issuer = service.deps.registry.issuers.get(idp.issuer);
    assert.ok(issuer);
    assert.equal(issuer.jwks_uri, undefined);
    assert.equal(issuer.jwks, undefined);
  });

  test("the external IdP's token for the MCP server's resource is accepted", async () => {
    const token = await idp.token(resource);
    const answer = await introspect(token, 'files');
    assert.equal(answer.active, true);
    assert.equal(answer.iss, idp.issuer);
    assert.equal(answer.aud, resource);
    assert.equal(answer.client_id, 'agent');
  });

  test('its token for another resource is rejected for this server', async () => {
    const token = await idp.token(otherResource);
    assert.deepEqual(await introspect(token, 'files'), { active: false });
  });

  test('its token with a broken signature is rejected', async () => {
    const token = await idp.token(resource);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${randomBytes(64).toString('base64url')}`;
    assert.deepEqual(await introspect(forged, 'files'), { active: false });
  });

  test('with accept_high_s_signatures, both ECDSA spellings of its token are accepted, and revoking one revokes both', async () => {
    let high: string | undefined;
    for (let i = 0; i < 40 && high === undefined; i++) {
      const token = await idp.token(resource);
      if (lowSSpelling(token) !== token) high = token;
    }
    assert.ok(high !== undefined, 'oidc-provider made a high-S signature');
    const low = lowSSpelling(high);
    assert.equal((await introspect(high, 'files')).active, true);
    assert.equal((await introspect(low, 'files')).active, true);
    const res = await fetch(`${url}/v1/revocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: high }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await introspect(high, 'files'), { active: false });
    assert.deepEqual(await introspect(low, 'files'), { active: false });
  });
});

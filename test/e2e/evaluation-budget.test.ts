// The service process stays responsive while callers send costly decisions: evaluation gives the
// event loop back within each request's budget, so /healthz is answered while the costly ones go on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startIdentityProvider } from '../support/identity-provider.js';
import { createServiceWorkDir, freeLocalUrl, spawnService } from '../support/service-process.js';

const COSTLY_POLICY = fileURLToPath(new URL('../http/fixtures/costly-policy', import.meta.url));
const RESOURCE = 'https://files.example.test/mcp';
const secret = randomBytes(24).toString('hex');

const idp = await startIdentityProvider({ alg: 'RS256' });
const url = await freeLocalUrl();
const workDir = createServiceWorkDir('eval-budget', () => 'logging:\n  level: warn\n');
// Default evaluation budget: what is under test is that the defaults keep the process responsive.
const service = spawnService(url, workDir, {
  POLICY_DIR: COSTLY_POLICY,
  AUTHZ_JWT_ISSUER: idp.issuer,
  AUTHZ_JWT_JWKS_URI: idp.jwksUri,
  AUTHZ_JWT_ALGORITHMS: 'RS256',
  AUTHZ_SERVERS: `files=${RESOURCE}`,
  AUTHZ_CLIENTS: `files-mcp:${secret}:files`,
});
const ready = await service.waitReady();

after(async () => {
  await service.stop();
  workDir.remove();
  await idp.close();
});

const token = await idp.sign({ aud: RESOURCE, sub: 'alice' });

/** A batch of n² enumerations: hundreds of millions of steps if nothing bounded the request as a whole. */
async function costlyBatch(): Promise<{ outcome: string; reasons: string[] }[]> {
  const actions = Array.from({ length: 50 }, (_, i) => ({ method: 'tools/call', tool: 'cross', arguments: { n: 3000 + i } }));
  const res = await fetch(`${url}/v1/decisions/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`files-mcp:${secret}`).toString('base64')}` },
    body: JSON.stringify({ token, server: 'files', actions }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { results: { outcome: string; reasons: string[] }[] }).results;
}

test('/healthz is answered while costly decisions keep the service busy', { skip: ready ? false : `service did not start: ${service.output().slice(-500)}` }, async () => {
  let costlyDone = false;
  let first!: () => void;
  const firstAnswered = new Promise<void>((resolve) => (first = resolve));
  const answers: { outcome: string; reasons: string[] }[][] = [];
  const costly = (async () => {
    for (let i = 0; i < 10; i++) {
      answers.push(await costlyBatch());
      first();
    }
    costlyDone = true;
  })();
  await firstAnswered;
  const health = await fetch(`${url}/healthz`);
  const answeredWhileBusy = !costlyDone;
  await costly;
  assert.equal(health.status, 200);
  assert.ok(answeredWhileBusy, '/healthz waited for every costly request');
  for (const results of answers) {
    assert.ok(results.every((r) => r.outcome === 'deny'));
    assert.ok(results.some((r) => r.reasons[0]?.startsWith('evaluation_limit_exceeded: ')), JSON.stringify(results[0]));
  }
});

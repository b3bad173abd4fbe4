// Fuzz of POST /v1/decisions and /v1/decisions/batch through a real socket: random tokens (signed by
// the local issuer, then possibly broken), actions, contexts, body shapes and wire framing. Properties:
// never a 5xx, always an answer, and no allow the oracle (jose + the Rego engine on the DESIGN input)
// would not give; when the service reaches a policy answer, it is the oracle's answer exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildToken, decisionBody, decisionBodyArb, wireArb, type DecisionBodyRecipe, type WireRecipe } from '../support/arbitraries.js';
import { createPolicyOracle, designInput, verifiedClaims, type PolicyOracle } from '../support/oracle.js';
import { rawRequest, wireRequest } from '../support/raw-http.js';
import { counted, fuzzParameters } from '../support/settings.js';
import { basic, createFuzzKeys, ISSUER, NOW_MS, SERVERS, startFuzzService, type FuzzKeys, type FuzzService, type ServerId } from '../support/world.js';
import { REFERENCE_POLICIES } from '../../support/decision-service.js';

let keys: FuzzKeys;
let svc: FuzzService;
let oracle: PolicyOracle;

before(async () => {
  keys = await createFuzzKeys();
  svc = await startFuzzService(keys);
  oracle = await createPolicyOracle(REFERENCE_POLICIES);
});
after(() => svc.close());

interface Answer {
  outcome: string;
  allow: boolean;
  policy_revision: string;
}

/** The oracle's allow for one action, or undefined when the token is not valid for the server. */
async function expected(token: string, serverId: ServerId, action: unknown, context: unknown): Promise<boolean | undefined> {
  const resource = SERVERS[serverId];
  const claims = await verifiedClaims(token, resource, { issuer: ISSUER, algorithms: ['RS256', 'EdDSA'], keys: keys.jwks, nowMs: NOW_MS });
  if (claims === undefined) return undefined;
  const input = designInput(ISSUER, claims, { id: serverId, resource }, action as Record<string, unknown>, context as Record<string, unknown> | undefined, NOW_MS);
  return oracle.allows(input);
}

/** Checks every answer of a 200 against the oracle. */
async function checkAnswers(recipe: DecisionBodyRecipe, token: string, answers: Answer[]): Promise<void> {
  const serverId = recipe.server as ServerId;
  const actions = recipe.batch ? recipe.actions : [recipe.action];
  assert.equal(answers.length, actions.length, 'one answer per action, in order');
  for (const [i, answer] of answers.entries()) {
    const want = await expected(token, serverId, actions[i], recipe.context);
    assert.equal(answer.allow, answer.outcome === 'allow', 'allow and outcome agree');
    if (answer.allow) assert.equal(want, true, `allow that the oracle does not give (action ${i})`);
    if (answer.outcome !== 'invalid_token') {
      assert.notEqual(want, undefined, `a policy answer for a token the oracle refuses (action ${i})`);
      assert.equal(answer.allow, want, `policy answer differs from the oracle (action ${i})`);
      assert.equal(answer.policy_revision, oracle.revision);
    }
  }
}

async function decideOnce(recipe: DecisionBodyRecipe, wire: WireRecipe): Promise<void> {
  const token = await buildToken(keys, recipe.token, SERVERS[recipe.server as ServerId] ?? SERVERS.files);
  const body = decisionBody(recipe, token);
  const authorization = {
    own: basic('both'),
    other: basic(recipe.server === 'files' ? 'github' : 'files'),
    wrong_secret: `Basic ${Buffer.from('both-mcp:nope').toString('base64')}`,
    missing: undefined,
    malformed: 'Basic !!!',
  }[wire.authorization];
  const path = recipe.batch ? '/v1/decisions/batch' : '/v1/decisions';
  const res = await rawRequest(wireRequest(svc.port, path, body, wire, authorization));
  assert.ok(res.status < 500, `status ${res.status}: ${res.body}`);
  if (res.status !== 200) {
    // Requests node's own HTTP parser refuses (bad framing) never reach the app, which would add a request id.
    if (res.headers['x-request-id'] !== undefined) assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/, 'errors are problem+json');
    return;
  }
  const parsed = JSON.parse(res.body) as Answer & { results?: Answer[] };
  await checkAnswers(recipe, token, recipe.batch ? parsed.results! : [parsed]);
}

test('plain JSON decision bodies: no 5xx, and every answer is the oracle\'s', async () => {
  const plain = fc.record({ contentType: fc.constant('application/json'), encoding: fc.constant('none' as const), length: fc.constant('exact' as const), text: fc.constant('json' as const), authorization: fc.constant('own' as const) });
  await fc.assert(fc.asyncProperty(decisionBodyArb, plain, counted('decisions.plain', decideOnce)), fuzzParameters(300));
});


test('decision bodies on any wire (content types, encodings, framing, credentials): no 5xx, no wrong allow', async () => {
  await fc.assert(fc.asyncProperty(decisionBodyArb, wireArb, counted('decisions.wire', decideOnce)), fuzzParameters(200));
});

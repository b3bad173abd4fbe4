// Shared fast-check arbitraries: token recipes (signed by the local issuer with random claims, then
// possibly broken), MCP actions over the reference policy's tools, contexts, request bodies in valid
// and broken shapes, and the header variants a body can arrive with.
import fc from 'fast-check';
import { FOREIGN_ISSUER, ISSUER, NOW_S, SERVERS, type FuzzKeys } from './world.js';

const DATA_TOOLS = ['search_repos', 'get_issue', 'create_issue', 'create_branch', 'push_files', 'merge_pull_request', 'delete_repo',
  'read_file', 'list_directory', 'search_files', 'write_file', 'move_file', 'delete_file', 'set_permissions', 'run_backup', 'shell_exec'];
const METHODS = ['tools/call', 'tools/list', 'prompts/get', 'prompts/list', 'resources/read', 'resources/list', 'initialize', 'TOOLS/CALL'];
const SCOPES = ['mcp:read', 'mcp:write', 'mcp:admin', 'other'];
const ROLES = ['viewer', 'admin', 'root'];
const ORGS = ['acme', 'globex', ''];
const ARGUMENT_VALUES = ['acme/api', 'globex/api', 'acme', '/workspace/a.txt', '/srv/shared/x', '/workspace/../etc/passwd', '/etc/passwd',
  'main', 'feature/x-1', 'bad branch', '', 'acme/../globex'];

/** Any JSON value (small), the "garbage" in otherwise well-formed places. */
export const jsonJunk = fc.jsonValue({ maxDepth: 3 });

const str = fc.string({ maxLength: 12 });

/**
 * Most inputs are clean (every member from the lists the policy knows) so that requests reach the
 * policy and the oracle comparison means something; the rest let any member be junk now and then.
 */
function cleanOrDirty<T>(build: (pick: <V>(values: readonly V[], other?: fc.Arbitrary<unknown>) => fc.Arbitrary<unknown>) => fc.Arbitrary<T>): fc.Arbitrary<T> {
  const clean = build((values) => fc.constantFrom(...values));
  const dirty = build((values, other = jsonJunk) => fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 4 }, { arbitrary: other, weight: 1 }));
  return fc.oneof({ arbitrary: clean, weight: 3 }, { arbitrary: dirty, weight: 1 });
}

/** Stands for the resource of the server a request asks about (most tokens are meant for it). */
export const SERVER_AUDIENCE = '<the server asked about>';

/** Claims around the ones the policy reads; each may be missing, wrong-typed or junk. */
const anyClaimsArb: fc.Arbitrary<Record<string, unknown>> = cleanOrDirty((pick) => fc.record({
  iss: pick([ISSUER, ISSUER, ISSUER, ISSUER, ISSUER, FOREIGN_ISSUER, `${ISSUER}/`]),
  aud: pick<unknown>([SERVER_AUDIENCE, SERVER_AUDIENCE, SERVER_AUDIENCE, SERVERS.files, SERVERS.github, [SERVERS.files, 'other'], [SERVERS.github, SERVERS.files], 'https://elsewhere.test/mcp', []]),
  sub: pick(['alice', 'bob', '']),
  client_id: pick(['client-1', '']),
  exp: pick([NOW_S + 3600, NOW_S + 3600, NOW_S + 3600, NOW_S + 10, NOW_S - 10, NOW_S - 100, 2 ** 53, NOW_S + 0.5]),
  iat: pick([NOW_S - 60, NOW_S - 60, NOW_S + 10, NOW_S + 100]),
  nbf: pick([NOW_S - 60, NOW_S - 60, NOW_S + 10, NOW_S + 100]),
  scope: fc.oneof(fc.subarray(SCOPES).map((x) => x.join(' ')), fc.subarray(SCOPES), pick([['mcp:read']])),
  roles: fc.oneof(fc.subarray(ROLES), pick([['viewer']])),
  org: pick(ORGS),
  jti: fc.uuid(),
  extra: jsonJunk,
}, { requiredKeys: ['jti', 'exp', 'iss', 'aud'] }) as fc.Arbitrary<Record<string, unknown>>);

/** Claims of a token valid for the server asked about: only what the policy reads varies. */
const validClaimsArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  iss: fc.constant(ISSUER),
  aud: fc.constant(SERVER_AUDIENCE),
  exp: fc.constant(NOW_S + 3600),
  iat: fc.constant(NOW_S - 60),
  sub: fc.constantFrom('alice', 'bob'),
  client_id: fc.constant('client-1'),
  scope: fc.oneof(fc.subarray(SCOPES).map((x) => x.join(' ')), fc.subarray(SCOPES)),
  roles: fc.subarray(ROLES),
  org: fc.constantFrom(...ORGS),
  jti: fc.uuid(),
}, { requiredKeys: ['iss', 'aud', 'exp', 'jti'] });

export const claimsArb = fc.oneof({ arbitrary: validClaimsArb, weight: 3 }, { arbitrary: anyClaimsArb, weight: 2 });

export type TokenBreak = 'none' | 'payload' | 'signature' | 'rogue_key' | 'alg_none' | 'header_alg' | 'crit' | 'truncate' | 'dots' | 'garbage';

export interface TokenRecipe {
  claims: Record<string, unknown>;
  key: 'rsa' | 'ed';
  header: Record<string, unknown>;
  broken: TokenBreak;
  garbage: string;
}

export const tokenRecipeArb: fc.Arbitrary<TokenRecipe> = fc.record({
  claims: claimsArb,
  key: fc.constantFrom('rsa' as const, 'ed' as const),
  header: fc.oneof(
    { arbitrary: fc.constant({}), weight: 8 },
    fc.constantFrom<Record<string, unknown>>({ kid: 'unknown' }, { typ: 'at+jwt' }, { crit: ['b64'], b64: true }, { jku: 'https://evil.test/jwks' }),
  ),
  broken: fc.oneof(
    { arbitrary: fc.constant<TokenBreak>('none'), weight: 16 },
    fc.constantFrom<TokenBreak>('payload', 'signature', 'rogue_key', 'alg_none', 'header_alg', 'crit', 'truncate', 'dots', 'garbage'),
  ),
  garbage: fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9_-]{0,20}\.[A-Za-z0-9_-]{0,20}\.[A-Za-z0-9_-]{0,20}$/)),
});

const b64 = (v: string): string => Buffer.from(v).toString('base64url');

/** Builds the token a recipe describes (signing with the local keys) for a request about `resource`. */
export async function buildToken(keys: FuzzKeys, recipe: TokenRecipe, resource: string): Promise<string> {
  const { extra, ...claims } = recipe.claims;
  if (claims.aud === SERVER_AUDIENCE) claims.aud = resource;
  const payload = extra === undefined ? claims : { ...claims, extra };
  const key = recipe.broken === 'rogue_key' ? keys.rogue : recipe.key === 'rsa' ? keys.rsa : keys.ed;
  const token = await keys.sign(payload, key, recipe.header);
  const [h, p, s] = token.split('.') as [string, string, string];
  switch (recipe.broken) {
    case 'none': case 'rogue_key': return token;
    case 'payload': return `${h}.${b64(JSON.stringify({ ...payload, scope: 'mcp:read mcp:write mcp:admin', roles: ['admin'] }))}.${s}`;
    case 'signature': return `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    case 'alg_none': return `${b64(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`;
    case 'header_alg': return `${b64(JSON.stringify({ alg: recipe.key === 'rsa' ? 'HS256' : 'RS256', kid: key.kid }))}.${p}.${s}`;
    case 'crit': return `${b64(JSON.stringify({ alg: key.alg, kid: key.kid, crit: ['exp'] }))}.${p}.${s}`;
    case 'truncate': return token.slice(0, Math.max(1, token.length - 7));
    case 'dots': return `${h}.${p}.${s}.${s}`;
    case 'garbage': return recipe.garbage;
  }
}

/** An MCP action: mostly the reference tools, sometimes extra members or junk in any member. */
export const actionArb: fc.Arbitrary<Record<string, unknown>> = cleanOrDirty((pick) => fc.record({
  method: pick(METHODS, str),
  tool: pick(DATA_TOOLS, str),
  arguments: fc.oneof(
    fc.dictionary(fc.constantFrom('repo', 'path', 'branch', 'root', 'destination', 'note', '__proto__', 'constructor'), pick(ARGUMENT_VALUES), { maxKeys: 4 }),
    pick([{}], jsonJunk),
  ),
  resource: fc.constantFrom('file:///workspace/a', 'file:///etc/passwd'),
  prompt: str,
}, { requiredKeys: ['method'] }) as fc.Arbitrary<Record<string, unknown>>);

/** A context with a client address, sometimes a caller-chosen time (the service must override it). */
export const contextArb: fc.Arbitrary<Record<string, unknown>> = cleanOrDirty((pick) => fc.record({
  client_ip: pick(['203.0.113.7', '::1', 'not-an-ip']),
  time: fc.constantFrom('2026-11-28T23:00:00Z', 'yesterday'),
  extra: jsonJunk,
}, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>);

export interface DecisionBodyRecipe {
  token: TokenRecipe;
  server: unknown;
  action: unknown;
  actions: unknown[];
  context: unknown;
  batch: boolean;
  /** Replaces the whole body with junk / adds an unknown member / drops a required one. */
  shape: 'ok' | 'junk' | 'extra_member' | 'missing_member';
  junk: unknown;
}

export const decisionBodyArb: fc.Arbitrary<DecisionBodyRecipe> = fc.record({
  token: tokenRecipeArb,
  server: fc.oneof({ arbitrary: fc.constantFrom('files', 'github'), weight: 12 }, fc.constantFrom('nope', ''), jsonJunk),
  action: fc.oneof({ arbitrary: actionArb, weight: 12 }, { arbitrary: jsonJunk, weight: 1 }),
  actions: fc.oneof(
    { arbitrary: fc.array(fc.oneof({ arbitrary: actionArb, weight: 20 }, { arbitrary: jsonJunk, weight: 1 }), { minLength: 1, maxLength: 4 }), weight: 12 },
    fc.constant<unknown[]>([]),
  ),
  context: fc.option(fc.oneof({ arbitrary: contextArb, weight: 12 }, { arbitrary: jsonJunk, weight: 1 }), { nil: undefined }),
  batch: fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, fc.constant(true)),
  shape: fc.oneof({ arbitrary: fc.constant('ok' as const), weight: 20 }, fc.constantFrom('junk' as const, 'extra_member' as const, 'missing_member' as const)),
  junk: jsonJunk,
});

/** The JSON body a recipe describes, given its built token. */
export function decisionBody(recipe: DecisionBodyRecipe, token: string): unknown {
  if (recipe.shape === 'junk') return recipe.junk;
  const body: Record<string, unknown> = { token, server: recipe.server };
  if (recipe.batch) body.actions = recipe.actions;
  else body.action = recipe.action;
  if (recipe.context !== undefined) body.context = recipe.context;
  if (recipe.shape === 'extra_member') body.surprise = recipe.junk;
  if (recipe.shape === 'missing_member') delete body[recipe.batch ? 'actions' : 'action'];
  return body;
}

/** How the bytes of a body are framed and labelled on the wire. */
export interface WireRecipe {
  contentType: string | undefined;
  encoding: 'none' | 'identity' | 'gzip' | 'deflate' | 'gzip_corrupt' | 'br' | 'unknown';
  length: 'exact' | 'chunked' | 'short' | 'long' | 'not_a_number' | 'negative' | 'twice';
  /** Text edits of the serialized body. */
  text: 'json' | 'bom' | 'truncated' | 'trailing_garbage' | 'latin1';
  authorization: 'own' | 'other' | 'wrong_secret' | 'missing' | 'malformed';
}

export const wireArb: fc.Arbitrary<WireRecipe> = fc.record({
  contentType: fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 10 },
    fc.constantFrom('application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8', 'application/json; charset=latin1',
      'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/*', '', 'application/json, text/plain', 'application/merge-patch+json'),
    fc.constant(undefined),
  ),
  encoding: fc.oneof({ arbitrary: fc.constant('none' as const), weight: 10 }, fc.constantFrom('identity' as const, 'gzip' as const, 'deflate' as const, 'gzip_corrupt' as const, 'br' as const, 'unknown' as const)),
  length: fc.oneof({ arbitrary: fc.constant('exact' as const), weight: 10 }, fc.constantFrom('chunked' as const, 'short' as const, 'long' as const, 'not_a_number' as const, 'negative' as const, 'twice' as const)),
  text: fc.oneof({ arbitrary: fc.constant('json' as const), weight: 10 }, fc.constantFrom('bom' as const, 'truncated' as const, 'trailing_garbage' as const, 'latin1' as const)),
  authorization: fc.oneof({ arbitrary: fc.constant('own' as const), weight: 10 }, fc.constantFrom('other' as const, 'wrong_secret' as const, 'missing' as const, 'malformed' as const)),
});

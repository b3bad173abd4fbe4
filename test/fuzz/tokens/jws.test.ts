// Fuzz of the compact JWS parser and the JWT verifier: random strings in the JWS alphabet, random
// JSON headers and payloads, and valid tokens with bytes flipped or header members replaced.
// Properties: the parser returns objects or throws TokenError('malformed'); the verifier throws only
// TokenErrors, and accepts a token exactly when jose's jwtVerify (same options) accepts it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import type { IssuerConfig } from '../../../service/src/config/index.js';
import { TokenError } from '../../../service/src/tokens/index.js';
import type { IssuerKeys } from '../../../service/src/tokens/issuer-keys.js';
import { COMPACT_JWS, parseCompactJws } from '../../../service/src/tokens/jws-compact.js';
import { verifyJwt } from '../../../service/src/tokens/verify-jwt.js';
import { buildToken, jsonJunk, tokenRecipeArb } from '../support/arbitraries.js';
import { counted, fuzzParameters } from '../support/settings.js';
import { createFuzzKeys, ISSUER, NOW_MS, SERVERS, type FuzzKeys } from '../support/world.js';

let keys: FuzzKeys;
let issuerKeys: IssuerKeys;
const ISSUER_CONFIG: IssuerConfig = {
  issuer: ISSUER, algorithms: ['RS256', 'EdDSA'], clock_tolerance: 30, accept_high_s_signatures: false, max_token_lifetime: 86_400, scope_claims: ['scope'], client_id_claims: ['client_id'],
} as IssuerConfig;

before(async () => {
  keys = await createFuzzKeys();
  issuerKeys = { getKey: (header, token) => keys.jwks(header as never, token as never), status: () => ({ source: 'static', state: 'fresh', keys: 2 }), warm: async () => undefined } as IssuerKeys;
});

const b64 = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

/** Text in the JWS alphabet (three parts), JSON parts of any shape, or arbitrary text. */
const compactArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{0,40}$/),
  fc.tuple(jsonJunk, jsonJunk, fc.uint8Array({ maxLength: 80 })).map(([h, p, s]) => `${b64(JSON.stringify(h) ?? '')}.${b64(JSON.stringify(p) ?? '')}.${b64(Buffer.from(s))}`),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([h, p]) => `${b64(Buffer.from(h))}.${b64(Buffer.from(p))}.`),
  fc.string({ maxLength: 60 }),
);

function parseOnce(text: string): void {
  if (!COMPACT_JWS.test(text)) return;
  try {
    const jws = parseCompactJws(text);
    assert.equal(typeof jws.header, 'object');
    assert.equal(typeof jws.claims, 'object');
    assert.equal(jws.signingInput, text.slice(0, text.lastIndexOf('.')));
  } catch (err) {
    assert.ok(err instanceof TokenError && err.reason === 'malformed', `unexpected ${String(err)}`);
  }
}

test('the compact JWS parser: objects, or TokenError malformed', () => {
  fc.assert(fc.property(compactArb, counted('jws.parse', parseOnce)), fuzzParameters(300));
});

type Tamper = { part: 0 | 1 | 2; kind: 'flip' | 'header_member' | 'none'; index: number; member: string; value: unknown };
const tamperArb: fc.Arbitrary<Tamper> = fc.record({
  part: fc.constantFrom(0 as const, 1 as const, 2 as const),
  kind: fc.constantFrom('none' as const, 'flip' as const, 'header_member' as const),
  index: fc.nat(),
  member: fc.constantFrom('alg', 'kid', 'crit', 'b64', 'typ', 'jwk', 'jku', 'x5u', 'zip', 'enc'),
  value: fc.oneof(jsonJunk, fc.constantFrom('none', 'HS256', 'RS256', 'EdDSA', 'ES256', 'rsa-1', 'ed-1', ['b64'], false, 'JWT')),
});

function tamper(token: string, t: Tamper): string {
  const parts = token.split('.');
  if (parts.length !== 3 || t.kind === 'none') return token;
  if (t.kind === 'header_member') {
    let header: Record<string, unknown> = {};
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return token;
    }
    parts[0] = b64(JSON.stringify({ ...header, [t.member]: t.value }));
    return parts.join('.');
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const part = parts[t.part]!;
  if (part.length === 0) return token;
  const i = t.index % part.length;
  const swapped = alphabet[(alphabet.indexOf(part[i]!) + 1 + (t.index % 63)) % 64]!;
  parts[t.part] = part.slice(0, i) + swapped + part.slice(i + 1);
  return parts.join('.');
}

async function accepted(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

async function verifyOnce(recipe: Parameters<typeof buildToken>[1], t: Tamper): Promise<void> {
  const token = tamper(await buildToken(keys, recipe, SERVERS.files), t);
  let ours = false;
  if (COMPACT_JWS.test(token)) {
    try {
      await verifyJwt(parseCompactJws(token), ISSUER_CONFIG, issuerKeys, 'hash', () => NOW_MS);
      ours = true;
    } catch (err) {
      assert.ok(err instanceof TokenError, `the verifier threw ${String(err)}`);
      assert.notEqual(err.reason, 'internal', `internal error: ${String(err.cause)}`);
    }
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    claims = undefined;
  }
  const iatFuture = typeof (claims as { iat?: unknown })?.iat === 'number' && (claims as { iat: number }).iat > NOW_MS / 1000 + 30;
  // Beyond jose: exp no further ahead than max_token_lifetime + tolerance, and each part in its one
  // canonical base64url spelling (jose ignores unused trailing bits).
  const expTooFar = typeof (claims as { exp?: unknown })?.exp === 'number' && (claims as { exp: number }).exp > Math.floor(NOW_MS / 1000) + 86_400 + 30;
  const canonical = token.split('.').every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);
  const reference = !iatFuture && !expTooFar && canonical && COMPACT_JWS.test(token) && await accepted(() => jwtVerify(token, keys.jwks, {
    issuer: ISSUER, algorithms: ['RS256', 'EdDSA'], clockTolerance: 30, requiredClaims: ['exp'], currentDate: new Date(NOW_MS),
  }));
  assert.equal(ours, reference, `verifier ${ours ? 'accepts' : 'refuses'} a token jose ${reference ? 'accepts' : 'refuses'}: ${token}`);
}

test('the JWT verifier agrees with jose on random and tampered tokens, and throws only TokenErrors', async () => {
  await fc.assert(fc.asyncProperty(tokenRecipeArb, tamperArb, counted('jws.verify', verifyOnce)), fuzzParameters(300));
});

// The JWT verification table (verify-jwt.cases.yaml): every supported algorithm, the allow-list,
// key/alg fit, tampering, crit/b64, time claims, iss and typ. Each row is verified by the
// synchronous verifier and by jose's jwtVerify with the options the service used with it, and both
// must give the row's reason, so the verifier keeps jose's semantics reason for reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CompactSign, createLocalJWKSet, errors, FlattenedSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, UnsecuredJWT,
  type CompactJWSHeaderParameters, type CryptoKey, type JWK,
} from 'jose';
import { parse } from 'yaml';
import { SUPPORTED_ALGORITHMS } from '../../service/src/config/defaults.js';
import type { Algorithm, IssuerConfig } from '../../service/src/config/types.js';
import { TokenError } from '../../service/src/tokens/errors.js';
import type { IssuerKeys } from '../../service/src/tokens/issuer-keys.js';
import { lowSSpelling } from '../../service/src/tokens/index.js';
import { parseCompactJws } from '../../service/src/tokens/jws-compact.js';
import { toTokenError, verifyJwt } from '../../service/src/tokens/verify-jwt.js';

interface Row {
  name: string;
  key?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  payload_raw?: string;
  payload_encoding?: 'latin1';
  unencoded?: boolean;
  mutate?: string;
  set_header?: Record<string, unknown>;
  resolved_key?: string;
  issuer?: { algorithms?: string[]; required_typ?: string; clock_tolerance?: number };
  reason: string;
}

const ROWS = parse(readFileSync(new URL('./verify-jwt.cases.yaml', import.meta.url), 'utf8')) as Row[];
const ISSUER = 'https://idp.test';
const NOW_S = 1_700_000_000;
// Half a second into the fixed second, so second-granular and fractional comparisons differ.
const NOW_MS = NOW_S * 1000 + 500;

const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');
const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

interface Signer {
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function signer(alg: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid: alg, alg, use: 'sig' } };
}

const signers = new Map<string, Signer>();
for (const alg of SUPPORTED_ALGORITHMS) signers.set(alg, await signer(alg));
const impostor = await signer('RS256');
const jwks = createLocalJWKSet({ keys: [...signers.values()].map((s) => s.jwk) });

const rs256 = signers.get('RS256')!;
const odd: Record<string, CryptoKey> = {
  'RS256-as-PS256': await importJWK({ ...rs256.jwk, alg: 'PS256' }, 'PS256') as CryptoKey,
  'RS256-as-RS384': await importJWK({ ...rs256.jwk, alg: 'RS384' }, 'RS384') as CryptoKey,
  'RS256-private': rs256.privateKey,
  'RS256-no-verify-usage': await importJWK({ ...rs256.jwk, key_ops: [] }, 'RS256') as CryptoKey,
  'RSA-1024': await importJWK(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as JWK, 'RS256') as CryptoKey,
};

function keysFor(row: Row): IssuerKeys {
  const forced = row.resolved_key === undefined ? undefined : odd[row.resolved_key] ?? signers.get(row.resolved_key)!.publicKey;
  return {
    getKey: async (header, token) => forced ?? jwks(header, token),
    status: () => ({ source: 'static', state: 'fresh', keys: signers.size }),
    warm: async () => undefined,
  };
}

function issuerFor(row: Row): IssuerConfig {
  return {
    issuer: ISSUER,
    algorithms: (row.issuer?.algorithms ?? [...SUPPORTED_ALGORITHMS]) as Algorithm[],
    clock_tolerance: row.issuer?.clock_tolerance ?? 30,
    accept_high_s_signatures: false,
    max_token_lifetime: 86_400,
    ...(row.issuer?.required_typ !== undefined ? { required_typ: row.issuer.required_typ } : {}),
    scope_claims: ['scope'],
    client_id_claims: ['client_id'],
  };
}

function merged(base: Record<string, unknown>, over: Record<string, unknown> = {}, relative = false): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (relative && key.endsWith('_in')) out[key.slice(0, -3)] = NOW_S + Number(value);
    else if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

function payloadOf(row: Row): Uint8Array {
  if (row.payload_raw !== undefined) return Buffer.from(row.payload_raw, row.payload_encoding ?? 'utf8');
  const claims = merged({ iss: ISSUER, sub: 'alice', aud: 'https://mcp.test/mcp', iat: NOW_S, exp: NOW_S + 3600, jti: row.name }, row.claims, true);
  return Buffer.from(JSON.stringify(claims));
}

function withSignature(token: string, edit: (signature: Buffer) => Buffer): string {
  const [h, p, s] = token.split('.');
  return `${h}.${p}.${b64(edit(Buffer.from(s!, 'base64url')))}`;
}

async function tokenFor(row: Row): Promise<string> {
  const key = signers.get(row.key ?? 'RS256')!;
  const header = merged({ alg: key.alg, kid: key.alg, typ: 'JWT' }, row.header) as CompactJWSHeaderParameters;
  const crit = Object.fromEntries(((header.crit ?? []) as string[]).filter((n) => n !== 'b64').map((n) => [n, true]));
  const payload = payloadOf(row);
  // An unencoded payload that is itself base64url JSON, so the token looks like any other JWT and
  // its signature verifies; jose leaves such a payload detached, and it is put back in place here.
  const unencoded = async (privateKey: CryptoKey): Promise<string> => {
    const raw = b64(payload);
    const jws = await new FlattenedSign(Buffer.from(raw)).setProtectedHeader({ ...header, b64: false, crit: ['b64'] }).sign(privateKey);
    return `${jws.protected}.${raw}.${jws.signature}`;
  };
  // ECDSA signatures in their low-S spelling, the only one the verifier accepts by default
  // (high-S has its own table, jws-variants.cases.yaml).
  const sign = async (privateKey: CryptoKey): Promise<string> => lowSSpelling(row.unencoded
    ? await unencoded(privateKey)
    : await new CompactSign(payload).setProtectedHeader(header).sign(privateKey, { crit }));
  let token = row.mutate === 'unsecured' ? new UnsecuredJWT(JSON.parse(Buffer.from(payload).toString()) as Record<string, unknown>).encode() : await sign(key.privateKey);
  switch (row.mutate) {
    case undefined: case 'unsecured': break;
    case 'tamper_payload': {
      const [h, p, s] = token.split('.');
      token = `${h}.${b64(JSON.stringify({ ...decodePart(p!), sub: 'mallory' }))}.${s}`;
      break;
    }
    case 'tamper_signature': token = withSignature(token, (sig) => Buffer.from(sig.map((byte, i) => (i === 0 ? byte ^ 1 : byte)))); break;
    case 'shorten_signature': token = withSignature(token, (sig) => sig.subarray(0, sig.length - 3)); break;
    case 'lengthen_signature': token = withSignature(token, (sig) => Buffer.concat([sig, Buffer.alloc(3)])); break;
    case 'empty_signature': token = token.slice(0, token.lastIndexOf('.') + 1); break;
    case 'signature_4n1': {
      const length = token.length - token.lastIndexOf('.') - 1;
      token = token.slice(0, token.length - ((length % 4) + 3) % 4);
      break;
    }
    case 'other_signer': {
      const other = await sign(impostor.privateKey);
      token = `${token.slice(0, token.lastIndexOf('.'))}.${other.slice(other.lastIndexOf('.') + 1)}`;
      break;
    }
    default: throw new Error(`unknown mutation ${row.mutate}`);
  }
  if (row.set_header !== undefined) {
    const [h, p, s] = token.split('.');
    token = `${b64(JSON.stringify(merged(decodePart(h!), row.set_header)))}.${p}.${s}`;
  }
  return token;
}

/** The reason the service gave for each jose jwtVerify failure when it verified through jose. */
function joseReason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return 'missing_claim';
    return ({ nbf: 'not_yet_valid', iss: 'unknown_issuer', typ: 'wrong_type' } as Record<string, string>)[err.claim] ?? 'claim_invalid';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  return toTokenError(err).reason;
}

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'valid';
  } catch (err) {
    return joseReason(err);
  }
}

/** The synchronous verifier, after the validator's one parse. */
function verified(token: string, row: Row): Promise<string> {
  return outcome(() => verifyJwt(parseCompactJws(token), issuerFor(row), keysFor(row), 'hash', () => NOW_MS));
}

/** The jose jwtVerify path the verifier replaces, with the validator's unverified decode before it. */
function reference(token: string, row: Row): Promise<string> {
  const issuer = issuerFor(row);
  return outcome(async () => {
    try {
      decodeProtectedHeader(token);
      decodeJwt(token);
    } catch {
      throw new TokenError('malformed');
    }
    const currentDate = new Date(NOW_MS);
    const { payload } = await jwtVerify(token, keysFor(row).getKey, {
      issuer: issuer.issuer,
      algorithms: issuer.algorithms,
      clockTolerance: issuer.clock_tolerance,
      requiredClaims: ['exp'],
      currentDate,
      ...(issuer.required_typ !== undefined ? { typ: issuer.required_typ } : {}),
    });
    if (typeof payload.iat === 'number' && payload.iat > currentDate.getTime() / 1000 + issuer.clock_tolerance) throw new TokenError('claim_invalid');
  });
}

describe('JWT verification table', () => {
  for (const row of ROWS) {
    test(`${row.name} → ${row.reason}`, async () => {
      const token = await tokenFor(row);
      assert.equal(await verified(token, row), row.reason, 'synchronous verifier');
      assert.equal(await reference(token, row), row.reason, 'jose jwtVerify reference');
    });
  }
});

test('a verified token carries the parsed claims', async () => {
  const row: Row = { name: 'claims', key: 'ES256', reason: 'valid' };
  const token = await tokenFor(row);
  const result = await verifyJwt(parseCompactJws(token), issuerFor(row), keysFor(row), 'hash', () => NOW_MS);
  assert.equal(result.issuer, ISSUER);
  assert.equal(result.sub, 'alice');
  assert.deepEqual(result.audiences, ['https://mcp.test/mcp']);
  assert.equal(result.exp, NOW_S + 3600);
  assert.equal(result.tokenHash, 'hash');
});

test('the same resolved key verifies many tokens (its node:crypto form is reused)', async () => {
  for (const alg of ['RS256', 'PS256', 'ES384', 'EdDSA']) {
    const row: Row = { name: alg, key: alg, reason: 'valid' };
    for (let i = 0; i < 3; i++) assert.equal(await verified(await tokenFor({ ...row, claims: { jti: `t${i}` } }), row), 'valid', alg);
  }
});

// Builtins of the "jwt" category (io.jwt.*): decoding, signature checks and claim validation with
// OPA's semantics and messages. Verification is synchronous (node:crypto); "none" never verifies.
import { AuthzServiceError } from '../../errors/index.js';
import type { PlainObject, Value } from '../value.js';
import { isArray, isNumber, isObject, isPlainObject, objectEntries, objectGet } from '../value.js';
import type { BuiltinContext, BuiltinDecl, TypeSpec } from './types.js';
import { builtinError, operandError } from './types.js';
import { EncodingError, base64UrlDecode, base64UrlEncode, marshalJwtJson, parseJson } from './jwt-encoding.js';
import type { VerificationKey, VerifyOptions } from './jwt-keys.js';
import { KeyError, TOKEN_ALGORITHMS, keysFromCertOrJwk, signJws, signingKeyFromJwk, verifySignature } from './jwt-keys.js';

/** A builtin failure reason; the builtin's name is added where it is raised to the evaluator. */
class Failure extends AuthzServiceError<'ERR_BUILTIN_FAILURE'> {
  readonly code = 'ERR_BUILTIN_FAILURE';
}

interface Token {
  header: string;
  payload: string;
  signature: string;
}

function splitToken(name: string, v: Value): Token {
  if (typeof v !== 'string') throw operandError(name, 1, 'string', v);
  if (!v.includes('.')) throw new Failure('encoded JWT had no period separators');
  const parts = v.split('.');
  if (parts.length !== 3) throw new Failure(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0], payload: parts[1], signature: parts[2] };
}

function decodePart(text: string, what: string): Buffer {
  try {
    return base64UrlDecode(text);
  } catch (e) {
    if (e instanceof EncodingError) throw new Failure(what === '' ? e.message : `${what}: ${e.message}`);
    throw e;
  }
}

function jsonObject(text: string): PlainObject {
  let v: Value;
  try {
    v = parseJson(text);
  } catch (e) {
    if (e instanceof EncodingError) throw new Failure(`invalid JSON: ${e.message}`);
    throw e;
  }
  if (!isPlainObject(v)) throw new Failure('decoded JSON type was not an Object');
  return v;
}

function decodeHeader(token: Token): PlainObject {
  const text = decodePart(token.header, 'JWT header had invalid encoding').toString('utf8');
  let header: PlainObject;
  try {
    header = jsonObject(text);
  } catch (e) {
    if (e instanceof Failure) throw new Failure(`bad JWT header: ${e.message}`);
    throw e;
  }
  // RFC 7516 section 9: an "enc" member marks a JWE.
  if (header.enc !== undefined) throw new Failure('JWT is a JWE object, which is not supported');
  return header;
}

const decodeSignature = (token: Token): Buffer => decodePart(token.signature, '');

/** The registered JOSE header parameters OPA interprets (RFC 7515 section 4.1). */
interface ParsedHeader {
  alg: string;
  kid: string;
  cty: string;
  crit: Set<string>;
  unknown: string[];
}

function parseHeader(header: PlainObject): ParsedHeader {
  const out: ParsedHeader = { alg: '', kid: '', cty: '', crit: new Set(), unknown: [] };
  for (const [key, value] of objectEntries(header)) {
    const k = key as string;
    if (k === 'alg' || k === 'kid' || k === 'typ' || k === 'cty') {
      if (typeof value !== 'string') throw new Failure(`${k}: must be a string`);
      if (k !== 'typ') out[k] = value;
    } else if (k === 'crit') {
      if (!isArray(value)) throw new Failure('crit: must be a list');
      for (const item of value) if (typeof item === 'string') out.crit.add(item);
      if (out.crit.size === 0) throw new Failure('crit: must be a nonempty list');
    } else {
      out.unknown.push(k);
    }
  }
  return out;
}

/** RFC 7515: "alg" is required, and a critical parameter we do not understand invalidates the JWS. */
function headerValid(h: ParsedHeader): boolean {
  return h.alg !== '' && !h.unknown.some((u) => h.crit.has(u));
}

function signingInput(token: Token): Buffer {
  return Buffer.from(`${token.header}.${token.payload}`, 'utf8');
}

/** Parsed keys are cached per query: a policy usually checks many claims against one JWKS. */
function cachedKeys(ctx: BuiltinContext, text: string): VerificationKey[] {
  const cacheKey = `io.jwt.keys\u0000${text}`;
  const hit = ctx.cache.get(cacheKey) as VerificationKey[] | undefined;
  if (hit) return hit;
  let keys: VerificationKey[];
  try {
    keys = keysFromCertOrJwk(text);
  } catch (e) {
    if (e instanceof KeyError) throw new Failure(e.message);
    throw e;
  }
  ctx.cache.set(cacheKey, keys);
  return keys;
}

/** A key whose "kid" matches the token's is the only one tried; otherwise every key whose "alg" fits. */
function verifyWithKeys(keys: VerificationKey[], kid: string, alg: string, headerAlg: string, data: Buffer, sig: Buffer, opts: VerifyOptions): boolean {
  if (kid !== '') {
    const byKid = keys.find((k) => k.kid === kid);
    if (byKid) return verifySignature(alg, byKid.key, data, sig, opts);
  }
  return keys.some((k) => (k.alg === '' || k.alg === headerAlg) && verifySignature(alg, k.key, data, sig, opts));
}

function withName<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Failure) throw builtinError(name, e.message);
    throw e;
  }
}

// ---- io.jwt.decode --------------------------------------------------------------------------------

function decode(name: string, jwt: Value): Value[] {
  const token = splitToken(name, jwt);
  const header = decodeHeader(token);
  const payloadText = decodePart(token.payload, 'JWT payload had invalid encoding').toString('utf8');
  // A nested JWT (cty "JWT") is decoded in turn; jwt.io-style producers quote it.
  if (header.cty === 'JWT') return decode(name, payloadText.replace(/^["']+|["']+$/g, ''));
  const payload = jsonObject(payloadText);
  const signature = decodePart(token.signature, 'JWT signature had invalid encoding');
  return [header, payload, signature.toString('hex')];
}

// ---- io.jwt.verify_* ------------------------------------------------------------------------------

function verifyAsymmetric(name: string, alg: string): BuiltinDecl {
  return {
    name,
    args: ['string', 'string'],
    result: 'boolean',
    impl: ([jwt, cert], ctx) =>
      withName(name, () => {
        const token = splitToken(name, jwt);
        if (typeof cert !== 'string') throw operandError(name, 2, 'string', cert);
        const keys = cachedKeys(ctx, cert);
        const signature = decodeSignature(token);
        const header = parseHeader(decodeHeader(token));
        return verifyWithKeys(keys, header.kid, alg, header.alg, signingInput(token), signature, {});
      }),
  };
}

function verifyHmac(name: string, alg: string): BuiltinDecl {
  return {
    name,
    args: ['string', 'string'],
    result: 'boolean',
    impl: ([jwt, secret]) =>
      withName(name, () => {
        if (typeof jwt !== 'string') throw operandError(name, 1, 'string', jwt);
        if (typeof secret !== 'string') throw operandError(name, 2, 'string', secret);
        const token = splitToken(name, jwt);
        return verifySignature(alg, Buffer.from(secret, 'utf8'), signingInput(token), decodeSignature(token));
      }),
  };
}

// ---- io.jwt.decode_verify -------------------------------------------------------------------------

interface Constraints {
  keys?: VerificationKey[];
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  /** Nanoseconds since the epoch, as a float (OPA compares in float64 seconds). */
  time?: number;
}

function timeFromValue(v: Value): number {
  if (!isNumber(v)) throw new Failure('token time constraint: must be a number');
  const t = Number(v);
  if (!Number.isFinite(t)) throw new Failure('token time constraint: unvalid float64');
  if (t < 0) throw new Failure('token time constraint: must not be negative');
  return t;
}

function parseConstraints(o: Value, ctx: BuiltinContext): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '' };
  for (const [key, value] of objectEntries(o as PlainObject)) {
    const k = typeof key === 'string' ? key : marshalJwtJson(key);
    switch (k) {
      case 'cert':
        if (typeof value !== 'string') throw new Failure('cert constraint: must be a string');
        c.keys = cachedKeys(ctx, value);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        if (typeof value !== 'string') throw new Failure(`${k} constraint: must be a string`);
        c[k] = value;
        break;
      case 'time':
        c.time = timeFromValue(value);
        break;
      default:
        throw new Failure(`unknown token validation constraint: ${k}`);
    }
  }
  c.time ??= timeFromValue(Number(ctx.nowNs));
  const keyConstraints = (c.keys ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keyConstraints > 1) throw new Failure('duplicate key constraints');
  if (keyConstraints < 1) throw new Failure('no key constraint');
  return c;
}

function validAudience(aud: Value, want: string): boolean {
  if (typeof aud === 'string') return aud === want;
  return isArray(aud) && aud.some((a) => typeof a === 'string' && a === want);
}

const unverified = (): Value[] => [false, Object.create(null) as PlainObject, Object.create(null) as PlainObject];

function decodeVerify(name: string, jwt: Value, constraintsArg: Value, ctx: BuiltinContext): Value[] {
  if (!isObject(constraintsArg)) throw operandError(name, 2, 'object', constraintsArg);
  const c = parseConstraints(constraintsArg, ctx);
  let current: Value = jwt;
  let token: Token;
  let header: PlainObject;
  let payloadText: string;
  for (;;) {
    token = splitToken(name, current);
    header = decodeHeader(token);
    const parsed = parseHeader(header);
    if (!headerValid(parsed)) return unverified();
    if (c.alg !== '' && c.alg !== parsed.alg) return unverified();
    const signature = decodeSignature(token);
    const data = signingInput(token);
    // Only the configured key material is trusted, and the header's alg picks the check it must pass.
    const ok = c.keys
      ? verifyWithKeys(c.keys, parsed.kid, parsed.alg, parsed.alg, data, signature, { strictEcdsaLength: true })
      : verifySignature(parsed.alg, Buffer.from(c.secret, 'utf8'), data, signature);
    if (!ok) return unverified();
    payloadText = decodePart(token.payload, 'JWT payload had invalid encoding').toString('utf8');
    if (parsed.cty.toUpperCase() !== 'JWT') break;
    current = payloadText;
  }
  const payload = jsonObject(payloadText);
  if (c.iss !== '') {
    const iss = objectGet(payload, 'iss');
    if (typeof iss !== 'string' || iss !== c.iss) return unverified();
  }
  const aud = objectGet(payload, 'aud');
  if (aud !== undefined ? !validAudience(aud, c.aud) : c.aud !== '') return unverified();
  const nowSeconds = (c.time ?? 0) / 1e9;
  const exp = objectGet(payload, 'exp');
  if (exp !== undefined) {
    if (!isNumber(exp)) throw new Failure('exp value must be a number');
    if (nowSeconds >= exp) return unverified();
  }
  const nbf = objectGet(payload, 'nbf');
  if (nbf !== undefined) {
    if (!isNumber(nbf)) throw new Failure('nbf value must be a number');
    if (nowSeconds < nbf) return unverified();
  }
  return [true, header, payload];
}

// ---- io.jwt.encode_sign ---------------------------------------------------------------------------

function isJson(text: string): boolean {
  try {
    parseJson(text);
    return true;
  } catch {
    return false;
  }
}

function encodeSign(headerText: string, payloadText: string, keyText: string): string {
  let key;
  try {
    key = signingKeyFromJwk(keyText);
  } catch (e) {
    if (e instanceof KeyError) throw new Failure(e.message);
    throw e;
  }
  let headers: Value;
  try {
    headers = parseJson(headerText);
  } catch (e) {
    throw new Failure(`missing or invalid 'alg' header: ${(e as Error).message}`);
  }
  const alg = isPlainObject(headers) ? headers.alg : undefined;
  if (typeof alg !== 'string') throw new Failure(`missing or invalid 'alg' header: header "alg" not found`);
  if (!TOKEN_ALGORITHMS.has(alg)) throw new Failure(`unknown JWS algorithm: ${alg}`);
  const typ = isPlainObject(headers) ? headers.typ : undefined;
  if ((typeof typ !== 'string' || typ === 'JWT') && !isJson(payloadText)) throw new Failure('type is JWT but payload is not JSON');
  const input = `${base64UrlEncode(Buffer.from(headerText, 'utf8'))}.${base64UrlEncode(Buffer.from(payloadText, 'utf8'))}`;
  let signature: Buffer;
  try {
    signature = signJws(alg, key, Buffer.from(input, 'utf8'));
  } catch (e) {
    if (e instanceof KeyError) throw new Failure(e.message);
    throw e;
  }
  return `${input}.${base64UrlEncode(signature)}`;
}

function marshal(v: Value, what: string): string {
  try {
    return marshalJwtJson(v);
  } catch (e) {
    throw new Failure(`failed to prepare JWT ${what} for marshalling: ${(e as Error).message}`);
  }
}

// ---- declarations -------------------------------------------------------------------------------

const STRING_KEYED: TypeSpec = { object: ['string', 'any'] };

export const jwtBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'io.jwt.decode',
    args: ['string'],
    result: { array: 'any' },
    impl: ([jwt]) => withName('io.jwt.decode', () => decode('io.jwt.decode', jwt)),
  },
  {
    name: 'io.jwt.decode_verify',
    args: ['string', STRING_KEYED],
    result: { array: 'any' },
    nondeterministic: true,
    impl: ([jwt, constraints], ctx) => withName('io.jwt.decode_verify', () => decodeVerify('io.jwt.decode_verify', jwt, constraints, ctx)),
  },
  verifyAsymmetric('io.jwt.verify_rs256', 'RS256'),
  verifyAsymmetric('io.jwt.verify_rs384', 'RS384'),
  verifyAsymmetric('io.jwt.verify_rs512', 'RS512'),
  verifyAsymmetric('io.jwt.verify_ps256', 'PS256'),
  verifyAsymmetric('io.jwt.verify_ps384', 'PS384'),
  verifyAsymmetric('io.jwt.verify_ps512', 'PS512'),
  verifyAsymmetric('io.jwt.verify_es256', 'ES256'),
  verifyAsymmetric('io.jwt.verify_es384', 'ES384'),
  verifyAsymmetric('io.jwt.verify_es512', 'ES512'),
  verifyAsymmetric('io.jwt.verify_eddsa', 'EdDSA'),
  verifyHmac('io.jwt.verify_hs256', 'HS256'),
  verifyHmac('io.jwt.verify_hs384', 'HS384'),
  verifyHmac('io.jwt.verify_hs512', 'HS512'),
  {
    name: 'io.jwt.encode_sign',
    args: [STRING_KEYED, STRING_KEYED, STRING_KEYED],
    result: 'string',
    nondeterministic: true,
    impl: ([headers, payload, key]) => {
      const name = 'io.jwt.encode_sign';
      return withName(name, () => {
        const h = marshal(headers, 'headers');
        const p = marshal(payload, 'payload');
        const k = marshal(key, 'signature');
        return encodeSign(h, p, k);
      });
    },
  },
  {
    name: 'io.jwt.encode_sign_raw',
    args: ['string', 'string', 'string'],
    result: 'string',
    nondeterministic: true,
    impl: ([headers, payload, key]) => {
      const name = 'io.jwt.encode_sign_raw';
      if (typeof key !== 'string') throw operandError(name, 3, 'string', key);
      if (typeof headers !== 'string') throw operandError(name, 1, 'string', headers);
      if (typeof payload !== 'string') throw operandError(name, 2, 'string', payload);
      return withName(name, () => encodeSign(headers, payload, key));
    },
  },
];

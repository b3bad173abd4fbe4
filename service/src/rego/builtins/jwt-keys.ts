// Keys for the JWT builtins: PEM certificates, PEM public keys, JWKs and JWK sets as OPA reads them,
// and synchronous JWS signature checks and signing with node:crypto, each algorithm bound to its key type.
import { AuthzServiceError } from '../../errors/index.js';
import type { KeyObject } from 'node:crypto';
import { X509Certificate, constants, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto';
import type { Value } from '../value.js';
import { isArray, isPlainObject } from '../value.js';
import { base64UrlDecode, parseJson } from './jwt-encoding.js';

/** A key failure carrying OPA's message. */
export class KeyError extends AuthzServiceError<'ERR_JWT_KEY'> {
  readonly code = 'ERR_JWT_KEY';
}

/** A verification key: an asymmetric public key, or an HMAC secret from an "oct" JWK. */
export interface VerificationKey {
  key: KeyObject | Buffer;
  /** "alg" of a JWK; empty for PEM input. */
  alg: string;
  kid: string;
}

/** The JWS algorithms OPA knows; "none" is deliberately absent. */
export const TOKEN_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA',
]);

// ---- PEM ----------------------------------------------------------------------------------------

interface PemBlock {
  type: string;
  der: Buffer;
  rest: string;
}

/** Go's pem.Decode: the first well-formed block, and what follows its END line. */
function decodePem(text: string): PemBlock | undefined {
  const begin = /(?:^|\n)-----BEGIN ([^\n]*)-----[ \t\r]*(?:\n|$)/g;
  let m: RegExpExecArray | null;
  while ((m = begin.exec(text)) !== null) {
    const type = m[1];
    let body = text.slice(m.index + m[0].length);
    // Optional "Key: value" header lines (RFC 1421) precede the base64 body.
    while (/^[^\n]*:/.test(body) && !body.startsWith('-----END ')) body = body.slice(body.indexOf('\n') + 1 || body.length);
    const endMarker = `-----END ${type}-----`;
    const end = body.startsWith(endMarker) ? 0 : body.indexOf('\n' + endMarker);
    if (end < 0) continue;
    const afterMarker = body.slice(end + (end === 0 ? 0 : 1) + endMarker.length);
    const newline = afterMarker.indexOf('\n');
    const restOfLine = newline < 0 ? afterMarker : afterMarker.slice(0, newline);
    if (restOfLine.trim() !== '') continue;
    const b64 = body.slice(0, end).replace(/[ \t\r\n]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) continue;
    return { type, der: Buffer.from(b64, 'base64'), rest: newline < 0 ? '' : afterMarker.slice(newline + 1) };
  }
  return undefined;
}

function keysFromPem(block: PemBlock): VerificationKey[] {
  if (block.rest.length > 0) throw new KeyError('extra data after a PEM certificate block');
  if (block.type === 'CERTIFICATE') {
    let key: KeyObject;
    try {
      key = new X509Certificate(block.der).publicKey;
    } catch {
      throw new KeyError('failed to parse a PEM certificate: x509: malformed certificate');
    }
    return [{ key, alg: '', kid: '' }];
  }
  if (block.type === 'PUBLIC KEY') {
    try {
      return [{ key: createPublicKey({ key: block.der, format: 'der', type: 'spki' }), alg: '', kid: '' }];
    } catch {
      throw new KeyError('failed to parse a PEM public key: asn1: structure error');
    }
  }
  throw new KeyError('failed to extract a Key from the PEM certificate');
}

// ---- JWK ----------------------------------------------------------------------------------------

function stringField(o: Record<string, unknown>, name: string): string {
  const v = o[name];
  return typeof v === 'string' ? v : '';
}

/** One JWK as a raw key: the public half of asymmetric keys, the secret bytes of "oct" keys. */
function importJwk(jwk: Record<string, unknown>, wantPrivate: boolean): KeyObject | Buffer {
  const kty = jwk.kty;
  if (typeof kty !== 'string' || kty === '') throw new KeyError('invalid key type from JSON ()');
  if (kty === 'oct') {
    const k = jwk.k;
    if (typeof k !== 'string') throw new KeyError('failed to parse "oct" key: required field k is missing');
    try {
      return base64UrlDecode(k);
    } catch (e) {
      throw new KeyError(`failed to decode "k": ${(e as Error).message}`);
    }
  }
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') throw new KeyError(`invalid key type from JSON (${kty})`);
  const plain = JSON.parse(JSON.stringify(jwk)) as import('node:crypto').JsonWebKey;
  try {
    if (wantPrivate) return createPrivateKey({ key: plain, format: 'jwk' });
    return createPublicKey({ key: plain, format: 'jwk' });
  } catch (e) {
    throw new KeyError(`failed to parse ${kty} key: ${(e as Error).message}`);
  }
}

/** jwk.Parse: one JWK object or a {"keys": [...]} set. */
function parseJwkSet(text: string): Record<string, unknown>[] {
  let doc: Value;
  try {
    doc = parseJson(text);
  } catch (e) {
    throw new KeyError(`failed to unmarshal JSON into key (set): ${(e as Error).message}`);
  }
  if (!isPlainObject(doc)) throw new KeyError('failed to unmarshal JSON into key (set): not an object');
  const keys = doc.keys;
  if (keys === undefined) return [doc as Record<string, unknown>];
  if (!isArray(keys)) throw new KeyError('failed to parse "keys": not an array');
  return keys.map((k) => {
    if (!isPlainObject(k)) throw new KeyError('failed to parse key: not an object');
    return k as Record<string, unknown>;
  });
}

/** OPA's getKeysFromCertOrJWK: a PEM block (certificate or public key), else a JWK or JWK set. */
export function keysFromCertOrJwk(text: string): VerificationKey[] {
  const block = decodePem(text);
  if (block) return keysFromPem(block);
  let jwks: Record<string, unknown>[];
  try {
    jwks = parseJwkSet(text);
  } catch (e) {
    throw new KeyError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
  const out: VerificationKey[] = [];
  for (const jwk of jwks) {
    const key = importJwk(jwk, false);
    const alg = stringField(jwk, 'alg');
    // Keys for algorithms OPA does not know are skipped, not errors.
    if (alg !== '' && !TOKEN_ALGORITHMS.has(alg)) continue;
    out.push({ key, alg, kid: stringField(jwk, 'kid') });
  }
  return out;
}

/** The first key of a JWK or JWK set, as a signing key (io.jwt.encode_sign). */
export function signingKeyFromJwk(text: string): KeyObject | Buffer {
  const jwks = parseJwkSet(text);
  if (jwks.length === 0) throw new KeyError('no keys found in JWK set');
  const jwk = jwks[0];
  return importJwk(jwk, jwk.kty !== 'oct' && jwk.d !== undefined);
}

// ---- algorithms ---------------------------------------------------------------------------------

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function hashOf(alg: string): string {
  return HASHES[alg.slice(2)];
}

function isAsymmetric(key: KeyObject | Buffer, type: string): key is KeyObject {
  return !Buffer.isBuffer(key) && key.asymmetricKeyType === type;
}

function rsaSizeMatches(key: KeyObject, signature: Buffer): boolean {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return signature.length === Math.ceil(bits / 8);
}

/** A DER ECDSA signature from Go's split of a raw signature into two big-endian halves. */
function ecdsaDer(signature: Buffer): Buffer {
  const half = Math.floor(signature.length / 2);
  const integer = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v.length === 0) v = Buffer.from([0]);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
  };
  const body = Buffer.concat([integer(signature.subarray(0, half)), integer(signature.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function ecCurveBytes(key: KeyObject): number {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  return { prime256v1: 32, 'P-256': 32, secp384r1: 48, 'P-384': 48, secp521r1: 66, 'P-521': 66 }[curve] ?? 0;
}

export interface VerifyOptions {
  /** Demand the JWS signature length of the curve (jwx does; OPA's verify_es* builtins do not). */
  strictEcdsaLength?: boolean;
}

/**
 * Checks a JWS signature with one key. The algorithm decides the key type it accepts: an RSA key
 * never passes as an HMAC secret and a secret never passes as a public key.
 */
export function verifySignature(alg: string, key: KeyObject | Buffer, data: Buffer, signature: Buffer, opts: VerifyOptions = {}): boolean {
  try {
    const family = alg.slice(0, 2);
    if (alg === 'EdDSA') return isAsymmetric(key, 'ed25519') && signature.length === 64 && verify(null, data, key, signature);
    if (!TOKEN_ALGORITHMS.has(alg)) return false;
    const hash = hashOf(alg);
    switch (family) {
      case 'HS': {
        if (!Buffer.isBuffer(key)) return false;
        const mac = createHmac(hash, key).update(data).digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      }
      case 'RS':
        return isAsymmetric(key, 'rsa') && rsaSizeMatches(key, signature) && verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'PS':
        return (
          isAsymmetric(key, 'rsa') &&
          rsaSizeMatches(key, signature) &&
          verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature)
        );
      case 'ES':
        if (!isAsymmetric(key, 'ec')) return false;
        if (opts.strictEcdsaLength && signature.length !== 2 * ecCurveBytes(key)) return false;
        return verify(hash, data, { key, dsaEncoding: 'der' }, ecdsaDer(signature));
    }
    return false;
  } catch {
    // Malformed signatures make OpenSSL throw; to the policy that is simply "not verified".
    return false;
  }
}

/** Signs JWS input with the algorithm's key type; a mismatched key is an error. */
export function signJws(alg: string, key: KeyObject | Buffer, data: Buffer): Buffer {
  const mismatch = (): KeyError => new KeyError(`failed to sign payload: invalid key type for algorithm ${alg}`);
  if (alg === 'EdDSA') {
    if (!isAsymmetric(key, 'ed25519') || key.type !== 'private') throw mismatch();
    return sign(null, data, key);
  }
  const hash = hashOf(alg);
  switch (alg.slice(0, 2)) {
    case 'HS':
      if (!Buffer.isBuffer(key)) throw mismatch();
      return createHmac(hash, key).update(data).digest();
    case 'RS':
      if (!isAsymmetric(key, 'rsa') || key.type !== 'private') throw mismatch();
      return sign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'PS':
      if (!isAsymmetric(key, 'rsa') || key.type !== 'private') throw mismatch();
      return sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES':
      if (!isAsymmetric(key, 'ec') || key.type !== 'private') throw mismatch();
      return sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  }
  throw mismatch();
}

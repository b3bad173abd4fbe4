// JWS signature checks with node:crypto on a KeyObject cached per resolved CryptoKey. WebCrypto's
// verify hops to the thread pool and back and allocates on every call; these checks run on the
// hottest path of the service, so the cheap ones (RSA, P-256, Ed25519: tens of µs) stay on the
// calling thread, and only P-384/P-521 (around a millisecond each) go to the thread pool.
import { constants, KeyObject, verify, type webcrypto } from 'node:crypto';
import { TokenError } from './errors.js';
import { isHighS } from './ecdsa-low-s.js';
import { decodeBase64url } from './jws-compact.js';

type VerifyOptions = { padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' };
type VerifyInput = Readonly<VerifyOptions & { key: KeyObject }>;

interface JwsAlgorithm {
  /** What the resolved CryptoKey's `algorithm` must say, as jose checks it. */
  key: { name: string; hash?: string; namedCurve?: string };
  /** node:crypto digest name; null for Ed25519, which hashes internally. */
  digest: string | null;
  options: VerifyOptions;
  /** ECDSA: the exact length of an IEEE P1363 (r || s) signature. */
  signatureLength?: number;
  /** RSA: the smallest modulus accepted, in bits (jose's floor). */
  minModulusLength?: number;
  /** Slow enough that blocking the event loop would cost every other request: use the thread pool. */
  offThread?: boolean;
}

const MIN_RSA_BITS = 2048;

const rsa = (bits: number): JwsAlgorithm => ({
  key: { name: 'RSASSA-PKCS1-v1_5', hash: `SHA-${bits}` }, digest: `sha${bits}`, options: {}, minModulusLength: MIN_RSA_BITS,
});
// The salt is as long as the digest (RFC 7518 §3.5), and a signature with any other salt is refused.
const pss = (bits: number): JwsAlgorithm => ({
  key: { name: 'RSA-PSS', hash: `SHA-${bits}` },
  digest: `sha${bits}`,
  options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 },
  minModulusLength: MIN_RSA_BITS,
});
const ecdsa = (curve: string, bits: number, coordinateBytes: number): JwsAlgorithm => ({
  key: { name: 'ECDSA', namedCurve: curve },
  digest: `sha${bits}`,
  options: { dsaEncoding: 'ieee-p1363' },
  signatureLength: 2 * coordinateBytes,
  offThread: curve !== 'P-256',
});
const ed25519: JwsAlgorithm = { key: { name: 'Ed25519' }, digest: null, options: {} };

/** Every JWS algorithm this verifier implements; an issuer's allow-list picks among them. */
const ALGORITHMS: ReadonlyMap<string, JwsAlgorithm> = new Map([
  ['RS256', rsa(256)], ['RS384', rsa(384)], ['RS512', rsa(512)],
  ['PS256', pss(256)], ['PS384', pss(384)], ['PS512', pss(512)],
  ['ES256', ecdsa('P-256', 256, 32)], ['ES384', ecdsa('P-384', 384, 48)], ['ES512', ecdsa('P-521', 512, 66)],
  ['EdDSA', ed25519], ['Ed25519', ed25519],
]);

type CryptoKeyAlgorithm = webcrypto.KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string; modulusLength?: number };

function isCryptoKey(key: unknown): key is webcrypto.CryptoKey {
  return typeof key === 'object' && key !== null && (key as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'CryptoKey';
}

function unfit(message: string): TokenError {
  return new TokenError('malformed', `key does not fit the token's alg: ${message}`);
}

// The same refusals as jose's prepareKey/checkCryptoKey/checkModulusLength, in the same order.
function checkKeyFits(key: unknown, entry: JwsAlgorithm): webcrypto.CryptoKey {
  if (!isCryptoKey(key)) throw unfit('not a CryptoKey');
  if (key.type !== 'public') throw unfit('not a public key');
  const algorithm = key.algorithm as CryptoKeyAlgorithm;
  if (algorithm.name !== entry.key.name) throw unfit(`algorithm.name must be ${entry.key.name}`);
  if (entry.key.hash !== undefined && algorithm.hash?.name !== entry.key.hash) throw unfit(`algorithm.hash must be ${entry.key.hash}`);
  if (entry.key.namedCurve !== undefined && algorithm.namedCurve !== entry.key.namedCurve) throw unfit(`algorithm.namedCurve must be ${entry.key.namedCurve}`);
  if (!key.usages.includes('verify')) throw unfit('usages must include verify');
  const min = entry.minModulusLength;
  if (min !== undefined && (typeof algorithm.modulusLength !== 'number' || algorithm.modulusLength < min)) throw unfit(`modulusLength must be ${min} bits or more`);
  return key;
}

// Resolved keys are long-lived (jose caches its imports per JWK set), so each converts once.
const inputs = new WeakMap<webcrypto.CryptoKey, { entry: JwsAlgorithm; input: VerifyInput }>();

function verifyInput(key: webcrypto.CryptoKey, entry: JwsAlgorithm): VerifyInput {
  const cached = inputs.get(key);
  if (cached?.entry === entry) return cached.input;
  const input: VerifyInput = Object.freeze({ key: cached?.input.key ?? KeyObject.from(key), ...entry.options });
  inputs.set(key, { entry, input });
  return input;
}

function badSignature(): TokenError {
  return new TokenError('bad_signature', 'signature verification failed');
}

/**
 * Checks `signature` (base64url) over `signingInput` with the key resolved for `alg`. An
 * undecodable signature or a key that does not fit `alg` is malformed; a signature that does not
 * verify, whatever its shape, is bad_signature. An ECDSA signature in its high-S spelling is
 * malformed unless `acceptHighS` (an issuer's opt-out). Returns a promise only for off-thread algorithms.
 */
export function verifySignature(alg: string, key: unknown, signingInput: string, signature: string, acceptHighS = false): void | Promise<void> {
  const entry = ALGORITHMS.get(alg);
  if (entry === undefined) throw new TokenError('malformed', `alg ${alg} is not supported`);
  const bytes = decodeBase64url(signature);
  if (bytes === undefined) throw new TokenError('malformed', 'signature is not base64url');
  const input = verifyInput(checkKeyFits(key, entry), entry);
  if (entry.signatureLength !== undefined && bytes.length !== entry.signatureLength) throw badSignature();
  if (!acceptHighS && isHighS(alg, bytes)) throw new TokenError('malformed', 'ECDSA signature is not in its low-S form');
  const data = Buffer.from(signingInput, 'latin1');
  if (entry.offThread === true) {
    return new Promise((resolve, reject) => {
      try {
        verify(entry.digest, data, input, bytes, (err, valid) => (err === null && valid ? resolve() : reject(badSignature())));
      } catch {
        reject(badSignature());
      }
    });
  }
  let valid = false;
  try {
    valid = verify(entry.digest, data, input, bytes);
  } catch {
    // As in jose: a signature crypto cannot even process is a signature that does not verify.
    valid = false;
  }
  if (!valid) throw badSignature();
}

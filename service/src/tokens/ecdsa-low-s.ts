// ECDSA signature malleability: (r, s) and (r, n - s) both verify, so every ES256/ES384/ES512 token
// has a second spelling. The low-S form (s <= n/2) is the canonical one: high-S is refused unless an
// issuer opts in, and then revocations are keyed on the low-S spelling so both spellings hit them.
import { decodeBase64url, type CompactJws } from './jws-compact.js';

interface Curve {
  /** Length of r and of s in an IEEE P1363 signature. */
  size: number;
  order: bigint;
  /** floor(order / 2) as `size` big-endian bytes: s is high when it compares above this. */
  half: Buffer;
}

function curve(size: number, orderHex: string): Curve {
  const order = BigInt(`0x${orderHex}`);
  return { size, order, half: toBytes(order >> 1n, size) };
}

function toBytes(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

// The group orders of P-256, P-384 and P-521 (SEC 2 / FIPS 186-4).
const CURVES: ReadonlyMap<string, Curve> = new Map([
  ['ES256', curve(32, 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')],
  ['ES384', curve(48, 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973')],
  ['ES512', curve(66, '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409')],
]);

/** Whether `alg` signs with ECDSA, whose signatures have a second (high-S) spelling. */
export function isEcdsaAlg(alg: unknown): boolean {
  return typeof alg === 'string' && CURVES.has(alg);
}

/** True when `signature` (raw r || s) of the right length for `alg` has s above half the group order. */
export function isHighS(alg: string, signature: Uint8Array): boolean {
  const c = CURVES.get(alg);
  if (c === undefined || signature.length !== 2 * c.size) return false;
  return Buffer.compare(Buffer.from(signature.buffer, signature.byteOffset + c.size, c.size), c.half) > 0;
}

/**
 * The low-S spelling (r, n - s) of a high-S signature; undefined when the signature is already low-S
 * or cannot be one (wrong length, s >= n: such a signature never verifies anyway).
 */
export function lowSSignature(alg: string, signature: Uint8Array): Buffer | undefined {
  if (!isHighS(alg, signature)) return undefined;
  const c = CURVES.get(alg)!;
  const s = BigInt(`0x${Buffer.from(signature.buffer, signature.byteOffset + c.size, c.size).toString('hex')}`);
  if (s >= c.order) return undefined;
  return Buffer.concat([Buffer.from(signature.buffer, signature.byteOffset, c.size), toBytes(c.order - s, c.size)]);
}

/** The low-S spelling of a parsed ECDSA JWS whose signature is high-S; otherwise undefined. */
export function canonicalSpelling(jws: Pick<CompactJws, 'header' | 'signingInput' | 'signature'>): string | undefined {
  const { alg } = jws.header;
  if (!isEcdsaAlg(alg)) return undefined;
  const bytes = decodeBase64url(jws.signature);
  const low = bytes === undefined ? undefined : lowSSignature(alg as string, bytes);
  return low === undefined ? undefined : `${jws.signingInput}.${low.toString('base64url')}`;
}

/**
 * A compact JWS in its low-S spelling (unchanged unless it is an ECDSA token with a high-S
 * signature). For code that signs with a library that leaves S as it comes (WebCrypto, jose).
 */
export function lowSSpelling(token: string): string {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first) return token;
  let header: unknown;
  try {
    header = JSON.parse(decodeBase64url(token.slice(0, first))?.toString('utf8') ?? '');
  } catch {
    return token;
  }
  if (typeof header !== 'object' || header === null) return token;
  return canonicalSpelling({ header: header as Record<string, unknown>, signingInput: token.slice(0, last), signature: token.slice(last + 1) }) ?? token;
}

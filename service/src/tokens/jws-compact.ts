// A compact JWS parsed once: the validator reads the unverified iss/jti from it and the verifier
// checks the same parts, so each token is base64url-decoded and JSON-parsed a single time.
import { isUtf8 } from 'node:buffer';
import { TokenError } from './errors.js';

/** Three base64url parts; the signature may be empty (it then fails verification, not parsing). */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface CompactJws {
  /** The encoded parts, as received. */
  readonly protected: string;
  readonly payload: string;
  readonly signature: string;
  /** `protected.payload`: the ASCII text the signature covers. */
  readonly signingInput: string;
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

const URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

// The 6-bit value of a base64url character (the alphabet is checked before this is used).
function sextet(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26..51
  if (code === 95) return 63; // _
  if (code >= 65) return code - 65; // A-Z: 0..25
  if (code >= 48) return code + 4; // 0-9: 52..61
  return 62; // -
}

/**
 * Base64url in its one canonical spelling (RFC 7515 §2, RFC 4648 §3.5), or undefined. Buffer
 * would skip characters outside the alphabet and `=` padding, and ignore set bits in the last
 * character that no byte uses: each of those is a second spelling of the same bytes, so a token
 * revoked by its hash could come back re-spelled. A length of 4n+1 cannot be base64 at all.
 */
export function decodeBase64url(part: string): Buffer | undefined {
  const rest = part.length % 4;
  if (rest === 1 || !URL_ALPHABET.test(part)) return undefined;
  // 4n+2 characters carry one byte in the last group (4 bits of the last character unused),
  // 4n+3 carry two (2 bits unused).
  if (rest !== 0 && (sextet(part.charCodeAt(part.length - 1)) & (rest === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return Buffer.from(part, 'base64url');
}

// Strict UTF-8 with a leading BOM dropped, as jose's fatal TextDecoder reads a JOSE part.
function jsonObject(part: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64url(part);
  if (bytes === undefined || !isUtf8(bytes)) return undefined;
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** Parses a token that matched COMPACT_JWS; a header or payload that is not a JSON object is malformed. */
export function parseCompactJws(token: string): CompactJws {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) throw new TokenError('malformed', 'not a compact JWS');
  const encodedHeader = token.slice(0, first);
  const payload = token.slice(first + 1, second);
  const header = jsonObject(encodedHeader);
  if (header === undefined) throw new TokenError('malformed', 'token header is not a JSON object');
  const claims = jsonObject(payload);
  if (claims === undefined) throw new TokenError('malformed', 'token payload is not a JSON object');
  return { protected: encodedHeader, payload, signature: token.slice(second + 1), signingInput: token.slice(0, second), header, claims };
}

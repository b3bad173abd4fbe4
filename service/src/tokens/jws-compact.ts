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

/**
 * Base64url as jose decodes it: a length of 4n+1 cannot be base64 and is refused; the alphabet
 * is COMPACT_JWS's, which Buffer would otherwise skip over silently.
 */
export function decodeBase64url(part: string): Buffer | undefined {
  return part.length % 4 === 1 ? undefined : Buffer.from(part, 'base64url');
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

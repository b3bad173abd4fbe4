// Byte-level encodings the JWT builtins need with Go's exact behaviour: base64url decoding (OPA's
// padding repair and Go's error offsets), JSON decoding that keeps big integers, and Go's json.Marshal.
import { AuthzServiceError } from '../../errors/index.js';
import type { PlainObject, Value } from '../value.js';
import { isObject, isSet, objectEntries, parseNumber } from '../value.js';
import { goJsonMarshal } from './json-text.js';

/** A decoding failure carrying Go's message (the caller adds its own prefix). */
export class EncodingError extends AuthzServiceError<'ERR_JWT_ENCODING'> {
  readonly code = 'ERR_JWT_ENCODING';
}

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE_MAP = new Int16Array(256).fill(-1);
for (let i = 0; i < URL_ALPHABET.length; i++) DECODE_MAP[URL_ALPHABET.charCodeAt(i)] = i;

const corrupt = (offset: number): EncodingError => new EncodingError(`illegal base64 data at input byte ${offset}`);

/** Go's base64.URLEncoding.DecodeString (padded, not strict): newlines are skipped, errors carry the byte offset. */
function decodePadded(src: Buffer): Buffer {
  const out: number[] = [];
  let si = 0;
  const isNewline = (c: number): boolean => c === 0x0a || c === 0x0d;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingError: EncodingError | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw corrupt(si - j);
      }
      const c = src[si++];
      const d = DECODE_MAP[c];
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) throw corrupt(si - 1);
      // Padding: only after two or three symbols, "==" after two.
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailingError = corrupt(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailingError) throw trailingError;
    if (dlen < 4) break;
  }
  return Buffer.from(out);
}

/** Restores padding an encoder left out (RFC 7515 appendix C), judged by the UTF-8 length as Go's len(s) is. */
export function restoreBase64UrlPadding(s: string): string {
  if (s.endsWith('=')) return s;
  switch (Buffer.byteLength(s, 'utf8') % 4) {
    case 2:
      return s + '==';
    case 3:
      return s + '=';
    case 1:
      throw new EncodingError(`illegal base64url string: ${s}`);
  }
  return s;
}

/** OPA's base64url.decode: restores missing padding, then decodes as Go does. */
export function base64UrlDecode(s: string): Buffer {
  return decodePadded(Buffer.from(restoreBase64UrlPadding(s), 'utf8'));
}

export function base64UrlEncode(b: Buffer): string {
  return b.toString('base64url');
}

// ---- JSON decoding ------------------------------------------------------------------------------

/**
 * Nesting limit. Go's encoding/json allows 10000 levels; values that deep overflow the JS stack in
 * later recursive steps (comparison, serialisation), so untrusted token contents stop at 1000.
 */
const MAX_DEPTH = 1000;

// Sticky patterns, matched in place so that long inputs are scanned once. JSON forbids raw control characters in strings.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON text into a Rego value: integers beyond 2^53 stay exact, objects get a null prototype. */
export function parseJson(text: string): Value {
  let i = 0;
  const fail = (what: string): never => {
    if (i >= text.length) throw new EncodingError('unexpected end of JSON input');
    throw new EncodingError(`invalid character ${JSON.stringify(text[i])} ${what}`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const parseString = (): string => {
    STRING.lastIndex = i;
    const m = STRING.exec(text);
    if (!m) {
      i++;
      return fail('in string literal');
    }
    i += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const parseValue = (depth: number): Value => {
    if (depth > MAX_DEPTH) throw new EncodingError('exceeded max depth');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: PlainObject = Object.create(null);
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        const key = parseString();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        obj[key] = parseValue(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const arr: Value[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('after array element');
      }
    }
    if (c === '"') return parseString();
    LITERAL.lastIndex = i;
    const lit = LITERAL.exec(text);
    if (!lit) return fail('looking for beginning of value');
    i += lit[0].length;
    if (lit[0] === 'true') return true;
    if (lit[0] === 'false') return false;
    if (lit[0] === 'null') return null;
    return parseNumber(lit[0]);
  };
  const v = parseValue(0);
  ws();
  if (i < text.length) fail('after top-level value');
  return v;
}

// ---- JSON encoding (Go's json.Marshal) ----------------------------------------------------------

/** True when some object inside `v` has a key that is not a string. */
function hasNonStringKey(v: Value): boolean {
  if (Array.isArray(v)) return v.some(hasNonStringKey);
  if (isSet(v)) return v.values().some(hasNonStringKey);
  if (!isObject(v)) return false;
  return objectEntries(v).some(([k, x]) => typeof k !== 'string' || hasNonStringKey(x));
}

/** json.Marshal of a JWT header or payload: as json-text writes it, but objects must have string keys. */
export function marshalJwtJson(v: Value): string {
  if (hasNonStringKey(v)) throw new EncodingError('object keys must be strings');
  return goJsonMarshal(v);
}

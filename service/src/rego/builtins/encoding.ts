// Builtins of the "encoding" category: base64, base64url, hex, JSON, YAML and URL query strings,
// with Go's strictness (padding, alphabets, escapes) and error wording as OPA reports them.
import { parseAllDocuments, stringify, type Tags } from 'yaml';
import { isArray, isObject, isSet, makeObject, normalizeInt, objectEntries, typeName, type Value } from '../value.js';
import { builtinError, operandError, type BuiltinContext, type BuiltinDecl, type TypeSpec } from './types.js';
import { chargeSerialized } from './charging.js';
import { operandMessage, stringOperand } from './operands.js';
import { goJsonMarshal, goJsonMarshalIndent, JsonSyntaxError, parseGoJson } from './json-text.js';
import { utf8Bytes } from './go-text.js';
import { EncodingError, restoreBase64UrlPadding } from './jwt-encoding.js';

const S: TypeSpec = 'string';
const B: TypeSpec = 'boolean';

function strFn(name: string, fn: (s: string) => Value, result: TypeSpec = S): BuiltinDecl {
  return { name, args: [S], result, impl: (args) => fn(stringOperand(name, args[0], 1)) };
}

// ---- base64 ---------------------------------------------------------------------------------

const STD = /^[A-Za-z0-9+/]*$/;
const URL = /^[A-Za-z0-9_-]*$/;

/** Go's base64 DecodeString (padded, non-strict: CR and LF are skipped); undefined when invalid. */
function decodeBase64(s: string, url: boolean): { bytes: Buffer } | { error: string } {
  const clean = s.replace(/[\r\n]/g, '');
  const body = clean.replace(/={1,2}$/, '');
  const alphabet = url ? URL : STD;
  let bad = -1;
  if (!alphabet.test(body)) {
    for (let i = 0; i < body.length; i++) if (!alphabet.test(body[i])) { bad = i; break; }
  } else if (clean.length % 4 !== 0) bad = clean.length - (clean.length % 4);
  else if (body.length % 4 === 1) bad = body.length;
  if (bad >= 0) return { error: `illegal base64 data at input byte ${bad}` };
  return { bytes: Buffer.from(body, url ? 'base64url' : 'base64') };
}

function base64Decode(name: string, url: boolean): (s: string) => Value {
  return (s) => {
    const r = decodeBase64(s, url);
    if ('error' in r) throw builtinError(name, r.error);
    return r.bytes.toString('utf8');
  };
}

function base64UrlDecode(s: string): Value {
  let padded: string;
  try {
    padded = restoreBase64UrlPadding(s);
  } catch (e) {
    if (e instanceof EncodingError) throw builtinError('base64url.decode', e.message);
    throw e;
  }
  return base64Decode('base64url.decode', true)(padded);
}

// ---- hex ------------------------------------------------------------------------------------

function hexDecode(s: string): Value {
  const bytes = utf8Bytes(s);
  const isHex = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
  const invalid = (b: number): never => {
    const ch = String.fromCharCode(b);
    throw builtinError('hex.decode', `encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`);
  };
  const pairs = Math.floor(bytes.length / 2);
  for (let i = 0; i < pairs; i++) {
    if (!isHex(bytes[2 * i])) invalid(bytes[2 * i]);
    if (!isHex(bytes[2 * i + 1])) invalid(bytes[2 * i + 1]);
  }
  if (bytes.length % 2 === 1) {
    if (!isHex(bytes[bytes.length - 1])) invalid(bytes[bytes.length - 1]);
    throw builtinError('hex.decode', 'encoding/hex: odd length hex string');
  }
  return Buffer.from(s, 'hex').toString('utf8');
}

// ---- JSON -----------------------------------------------------------------------------------

function jsonUnmarshal(s: string): Value {
  try {
    return parseGoJson(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw builtinError('json.unmarshal', e.message);
    throw e;
  }
}

function jsonIsValid(args: Value[]): Value {
  if (typeof args[0] !== 'string') return false;
  try {
    parseGoJson(args[0]);
    return true;
  } catch {
    return false;
  }
}

function marshalWithOptions(args: Value[], ctx: BuiltinContext): Value {
  const name = 'json.marshal_with_options';
  const opts = args[1];
  if (!isObject(opts)) throw operandError(name, 2, 'object', opts);
  let indent = '\t';
  let prefix = '';
  let implicitPretty = false;
  let explicitPretty: boolean | undefined;
  objectEntries(opts).forEach(([k, v], idx) => {
    if (typeof k !== 'string') {
      throw operandMessage(name, 2, `failed to stringify key ${goJsonMarshal(k)} at index ${idx}: operand ${idx} must be string but got ${typeName(k)}`);
    }
    if (k === 'prefix' || k === 'indent') {
      if (typeof v !== 'string') throw operandMessage(name, 2, `key ${k} failed cast to string: operand ${idx} must be string but got ${typeName(v)}`);
      if (k === 'prefix') prefix = v;
      else indent = v;
      implicitPretty = true;
    } else if (k === 'pretty') {
      if (typeof v !== 'boolean') throw operandMessage(name, 2, `key ${k} failed cast to bool`);
      explicitPretty = v;
    } else throw operandMessage(name, 2, `object contained unknown key ${k}`);
  });
  const pretty = explicitPretty ?? implicitPretty;
  chargeSerialized(ctx, args[0], pretty ? (depth) => 1 + prefix.length + indent.length * depth : undefined);
  return pretty ? prefix + goJsonMarshalIndent(args[0], prefix, indent) : goJsonMarshal(args[0]);
}

// ---- YAML -----------------------------------------------------------------------------------

// go-yaml v2 (YAML 1.1) leaves timestamps as strings when decoding into interface{}.
const yamlTags = (tags: Tags): Tags => tags.filter((t) => t !== 'timestamp' && (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:timestamp'));

/** YAML (first document) as a Rego value, via the JSON form sigs.k8s.io/yaml produces. */
function fromYaml(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return normalizeInt(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromYaml);
  if (v instanceof Set) return [...v].map(fromYaml);
  if (v instanceof Map) return makeObject([...v].map(([k, x]) => [String(k), fromYaml(x)]));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return makeObject(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromYaml(x)]));
}

function parseYaml(s: string): Value {
  const docs = parseAllDocuments(s, { version: '1.1', customTags: yamlTags, intAsBigInt: true, merge: true });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) if (doc.errors.length > 0) throw new Error(doc.errors[0].message.split('\n')[0]);
  if (list.length === 0) return null;
  return fromYaml(list[0].toJS({ maxAliasCount: 100 }));
}

function yamlUnmarshal(s: string): Value {
  try {
    return parseYaml(s);
  } catch (e) {
    throw builtinError('yaml.unmarshal', e instanceof Error ? e.message : String(e));
  }
}

function yamlIsValid(args: Value[]): Value {
  if (typeof args[0] !== 'string') return false;
  try {
    parseYaml(args[0]);
    return true;
  } catch {
    return false;
  }
}

/** The JSON form of a value for the YAML writer: sets as arrays, keys sorted, big integers kept. */
function toPlain(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (isArray(v)) return v.map(toPlain);
  if (isSet(v)) return v.values().map(toPlain);
  const out: Record<string, unknown> = {};
  const entries = objectEntries(v).map(([k, x]) => [typeof k === 'string' ? k : goJsonMarshal(k), x] as const);
  for (const [k, x] of entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) out[k] = toPlain(x);
  return out;
}

function yamlMarshal(args: Value[], ctx: BuiltinContext): Value {
  chargeSerialized(ctx, args[0], (depth) => 1 + 2 * depth);
  return stringify(toPlain(args[0]), { version: '1.1', indentSeq: false, lineWidth: 0 });
}

// ---- URL query ------------------------------------------------------------------------------

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** url.QueryUnescape; throws with Go's message on a bad escape. */
function queryUnescape(s: string): string {
  const bytes: number[] = [];
  const src = utf8Bytes(s);
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25) {
      const h = src.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        throw new Error(`invalid URL escape ${JSON.stringify(src.subarray(i, i + 3).toString('utf8'))}`);
      }
      bytes.push(parseInt(h, 16));
      i += 2;
    } else bytes.push(b === 0x2b ? 0x20 : b);
  }
  return Buffer.from(bytes).toString('utf8');
}

function urlDecode(s: string): Value {
  try {
    return queryUnescape(s);
  } catch (e) {
    throw builtinError('urlquery.decode', (e as Error).message);
  }
}

function encodeObject(args: Value[]): Value {
  const name = 'urlquery.encode_object';
  const obj = args[0];
  if (!isObject(obj)) throw operandError(name, 1, 'object', obj);
  const bad = operandMessage(name, 1, 'values must be string, array[string], or set[string]');
  const pairs: [string, string[]][] = [];
  for (const [k, v] of objectEntries(obj)) {
    const key = typeof k === 'string' ? k : goJsonMarshal(k);
    if (typeof v === 'string') pairs.push([key, [v]]);
    else if (isArray(v) || isSet(v)) {
      const items = isArray(v) ? v : v.values();
      pairs.push([key, items.map((x) => (typeof x === 'string' ? x : (() => { throw bad; })()))]);
    } else throw bad;
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.flatMap(([k, vs]) => vs.map((v) => queryEscape(k) + '=' + queryEscape(v))).join('&');
}

/** url.ParseQuery: the first error fails the call, as OPA returns it. */
function decodeObject(s: string): Value {
  const out = new Map<string, string[]>();
  let firstError: string | undefined;
  for (const part of s.split('&')) {
    if (part.includes(';')) {
      firstError ??= 'invalid semicolon separator in query';
      continue;
    }
    if (part === '') continue;
    const eq = part.indexOf('=');
    try {
      const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
      const value = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
      out.set(key, [...(out.get(key) ?? []), value]);
    } catch (e) {
      firstError ??= (e as Error).message;
    }
  }
  if (firstError !== undefined) throw builtinError('urlquery.decode_object', firstError);
  return makeObject([...out].map(([k, v]) => [k, v]));
}

export const encodingBuiltins: readonly BuiltinDecl[] = [
  strFn('base64.encode', (s) => Buffer.from(s, 'utf8').toString('base64')),
  strFn('base64.decode', base64Decode('base64.decode', false)),
  { name: 'base64.is_valid', args: [S], result: B, impl: (a) => typeof a[0] === 'string' && !('error' in decodeBase64(a[0], false)) },
  strFn('base64url.encode', (s) => Buffer.from(s, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_')),
  strFn('base64url.encode_no_pad', (s) => Buffer.from(s, 'utf8').toString('base64url')),
  strFn('base64url.decode', base64UrlDecode),
  strFn('hex.encode', (s) => Buffer.from(s, 'utf8').toString('hex')),
  strFn('hex.decode', hexDecode),
  { name: 'json.marshal', args: ['any'], result: S, impl: (a, ctx) => (chargeSerialized(ctx, a[0]), goJsonMarshal(a[0])) },
  { name: 'json.marshal_with_options', args: ['any', { object: [S, 'any'] }], result: S, impl: marshalWithOptions },
  strFn('json.unmarshal', jsonUnmarshal, 'any'),
  { name: 'json.is_valid', args: [S], result: B, impl: jsonIsValid },
  { name: 'yaml.marshal', args: ['any'], result: S, impl: yamlMarshal },
  strFn('yaml.unmarshal', yamlUnmarshal, 'any'),
  { name: 'yaml.is_valid', args: [S], result: B, impl: yamlIsValid },
  strFn('urlquery.encode', queryEscape),
  strFn('urlquery.decode', urlDecode),
  { name: 'urlquery.encode_object', args: [{ object: [S, { oneOf: [S, { array: S }, { set: S }] }] }], result: S, impl: encodeObject },
  strFn('urlquery.decode_object', decodeObject, { object: [S, { array: S }] }),
];

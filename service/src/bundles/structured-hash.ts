// File digests as OPA's bundle signatures define them: raw bytes for most files; for data.json,
// data.yaml and .manifest, the document re-encoded as compact JSON with sorted keys (Go's encoding,
// numbers as written), so the signature does not depend on whitespace or key order.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';

/** Hash names a signature may use; MD5 and SHA-1 are refused as too weak. */
export const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

const STRUCTURED = new Set(['data.json', 'data.yaml', 'data.yml', '.manifest']);

export function isStructured(name: string): boolean {
  return STRUCTURED.has(name.slice(name.lastIndexOf('/') + 1));
}

/** A JSON number kept as its text (Go's json.Number), so re-encoding does not change it. */
class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON.parse with numbers kept as written. Throws SyntaxError like JSON.parse. */
function parseKeepingNumbers(text: string): unknown {
  // JSON.parse validates; the walk below then mirrors the text it accepted.
  JSON.parse(text);
  let at = 0;
  const ws = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const value = (): unknown => {
    ws();
    const c = text[at]!;
    if (c === '{') {
      at++;
      const obj = new Map<string, unknown>();
      ws();
      if (text[at] === '}') {
        at++;
        return obj;
      }
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        at++; // ':'
        obj.set(key, value());
        ws();
        if (text[at++] === '}') return obj;
      }
    }
    if (c === '[') {
      at++;
      const arr: unknown[] = [];
      ws();
      if (text[at] === ']') {
        at++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[at++] === ']') return arr;
      }
    }
    if (c === '"') {
      let end = at + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(at, end + 1)) as string;
      at = end + 1;
      return s;
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 400))!;
    at += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return new RawNumber(m[0]);
  };
  return value();
}

/** A string as Go's encoder writes it with HTML escaping off. */
function goString(s: string): string {
  // Go writes a lone surrogate (invalid UTF-8) as U+FFFD.
  const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return JSON.stringify(wellFormed).replace(/[\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`);
}

/** Go sorts map keys by their UTF-8 bytes. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function encode(v: unknown): string {
  if (v instanceof RawNumber) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(encode).join(',')}]`;
  const entries = v instanceof Map ? [...(v as Map<string, unknown>).entries()] : Object.entries(v as Record<string, unknown>);
  // A repeated key keeps its last value, as Go's decoder does.
  const last = new Map(entries);
  return `{${[...last.keys()].sort(byUtf8).map((k) => `${goString(k)}:${encode(last.get(k))}`).join(',')}}`;
}

/** The bytes OPA hashes for a file of the bundle. Throws when a structured file does not parse. */
export function signedContent(name: string, data: Buffer): Buffer {
  if (!isStructured(name)) return data;
  const text = data.toString('utf8');
  const doc = name.endsWith('.yaml') || name.endsWith('.yml') ? parseYaml(text) as unknown : parseKeepingNumbers(text);
  return Buffer.from(encode(doc));
}

/** Hex digest of a bundle file with one of SIGNATURE_HASHES. */
export function fileDigest(name: string, data: Buffer, algorithm: string): string {
  const node = SIGNATURE_HASHES[algorithm];
  if (node === undefined) throw new Error(`unsupported hash algorithm "${algorithm}"`);
  return createHash(node).update(signedContent(name, data)).digest('hex');
}

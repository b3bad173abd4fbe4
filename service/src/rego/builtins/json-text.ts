// JSON text the way OPA's Go code reads and writes it: encoding/json output (sorted keys,
// HTML-safe escapes, MarshalIndent layout) and a strict decoder that keeps integers beyond 2^53
// exact (json.Number), with Go's error wording.
import { AuthzServiceError } from '../../errors/index.js';
import { formatNumber, isObject, isSet, makeObject, normalizeInt, objectEntries, type RegoNumber, type Value } from '../value.js';

/** Go's encoding/json string encoding (HTMLEscape on, as json.Marshal has it). */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += ch + s[++i];
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** A key of a JSON object: string keys as they are, other keys as their JSON text (ast.JSON). */
function jsonKey(k: Value): string {
  return typeof k === 'string' ? k : goJsonMarshal(k);
}

function entriesOf(v: Value): [string, Value][] | undefined {
  if (!isObject(v)) return undefined;
  const list = objectEntries(v).map(([k, x]) => [jsonKey(k), x] as [string, Value]);
  return list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Text of null, a boolean or a number (exact decimals included): the same in JSON and in Rego syntax. */
export function scalarText(v: null | boolean | RegoNumber): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return formatNumber(v);
}

/** json.Marshal of the value's JSON form (sets become sorted arrays). */
export function goJsonMarshal(v: Value): string {
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return '[' + v.map(goJsonMarshal).join(',') + ']';
  if (isSet(v)) return '[' + v.values().map(goJsonMarshal).join(',') + ']';
  if (isObject(v)) return '{' + (entriesOf(v) as [string, Value][]).map(([k, x]) => goJsonString(k) + ':' + goJsonMarshal(x)).join(',') + '}';
  return scalarText(v);
}

/** json.MarshalIndent(v, prefix, indent); the first line carries no prefix, as in Go. */
export function goJsonMarshalIndent(v: Value, prefix: string, indent: string, depth = 0): string {
  const nl = (d: number): string => '\n' + prefix + indent.repeat(d);
  const items = Array.isArray(v) ? v : isSet(v) ? v.values() : undefined;
  if (items) {
    if (items.length === 0) return '[]';
    return '[' + items.map((x) => nl(depth + 1) + goJsonMarshalIndent(x, prefix, indent, depth + 1)).join(',') + nl(depth) + ']';
  }
  const entries = entriesOf(v);
  if (entries) {
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, x]) => nl(depth + 1) + goJsonString(k) + ': ' + goJsonMarshalIndent(x, prefix, indent, depth + 1));
    return '{' + body.join(',') + nl(depth) + '}';
  }
  return goJsonMarshal(v);
}

/** A JSON syntax error worded as Go's encoding/json reports it. */
export class JsonSyntaxError extends AuthzServiceError<'ERR_JSON_SYNTAX'> {
  readonly code = 'ERR_JSON_SYNTAX';
  override name = 'JsonSyntaxError';
}

function quoteChar(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const q = JSON.stringify(ch);
  return "'" + q.slice(1, -1) + "'";
}

/**
 * Deepest nesting accepted. Go allows 10000, but this recursive reader (and every recursive walk
 * of the value afterwards) must stay well inside the JS stack, so documents nest less here.
 */
const MAX_DEPTH = 1000;

class JsonReader {
  i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new JsonSyntaxError('exceeded max depth');
  }

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JsonSyntaxError('unexpected end of JSON input');
    const ch = String.fromCodePoint(this.s.codePointAt(this.i) as number);
    throw new JsonSyntaxError(`invalid character ${quoteChar(ch)} ${context}`);
  }

  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  value(): Value {
    this.ws();
    const ch = this.s[this.i];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    for (const [word, val] of [['true', true], ['false', false], ['null', null]] as const) {
      if (ch === word[0]) {
        for (let k = 1; k < word.length; k++) {
          this.i++;
          if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting '${word[k]}')`);
        }
        this.i++;
        return val;
      }
    }
    return this.fail('looking for beginning of value');
  }

  object(): Value {
    this.enter();
    this.i++;
    const entries = new Map<string, Value>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      this.depth--;
      return makeObject([]);
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      entries.delete(key);
      entries.set(key, this.value());
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        this.depth--;
        return makeObject(entries);
      }
      this.fail('after object key:value pair');
    }
  }

  array(): Value {
    this.enter();
    this.i++;
    const out: Value[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        this.depth--;
        return out;
      }
      this.fail('after array element');
    }
  }

  string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const start = this.i;
      while (this.i < this.s.length && this.s[this.i] !== '"' && this.s[this.i] !== '\\' && this.s.charCodeAt(this.i) >= 0x20) this.i++;
      out += this.s.slice(start, this.i);
      if (this.i >= this.s.length) this.fail('');
      const ch = this.s[this.i];
      if (ch === '"') {
        this.i++;
        return out;
      }
      if (ch !== '\\') this.fail('in string literal');
      this.i++;
      const esc = this.s[this.i];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (esc !== undefined && simple[esc] !== undefined) {
        out += simple[esc];
        this.i++;
      } else if (esc === 'u') {
        let code = 0;
        for (let k = 0; k < 4; k++) {
          this.i++;
          const h = this.s[this.i];
          if (h === undefined || !/[0-9a-fA-F]/.test(h)) this.fail('in \\u hexadecimal character escape');
          code = code * 16 + parseInt(h, 16);
        }
        this.i++;
        out += String.fromCharCode(code);
      } else this.fail('in string escape code');
    }
  }

  number(): Value {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (!m) {
      this.i++;
      this.fail('in numeric literal');
    }
    const text = m[0];
    this.i += text.length;
    if (!m[1] && !m[2]) return normalizeInt(BigInt(text));
    const n = Number(text);
    if (!Number.isFinite(n)) throw new JsonSyntaxError(`number ${text} is out of range`);
    return n;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone surrogates from \u escapes become U+FFFD, as Go's decoder does. */
function fixSurrogates(v: Value): Value {
  if (typeof v === 'string') return v.replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(v)) return v.map(fixSurrogates);
  if (isObject(v)) return makeObject(objectEntries(v).map(([k, x]) => [fixSurrogates(k), fixSurrogates(x)]));
  return v;
}

/** Parses one JSON document (surrounding whitespace allowed); throws JsonSyntaxError. */
export function parseGoJson(text: string): Value {
  const r = new JsonReader(text);
  const v = r.value();
  r.ws();
  if (r.i < text.length) r.fail('after top-level value');
  return fixSurrogates(v);
}

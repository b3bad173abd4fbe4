// Go's text primitives that OPA's string builtins inherit: strconv.Quote, unicode.IsSpace,
// simple case mapping, and UTF-8 byte views of JS strings.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: graphic characters and the ASCII space, but no other space. */
const PLAIN_ASCII = /^[\x20-\x5b\x5d-\x7e]*$/;

function isPrint(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

const ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
};

/** strconv.Quote (or QuoteRune with quote `'`, QuoteToASCII with asciiOnly). */
export function goQuote(s: string, quote = '"', asciiOnly = false): string {
  // Fast path: printable ASCII needs escaping only for the quote and the backslash.
  if (PLAIN_ASCII.test(s) && !s.includes(quote)) return quote + s + quote;
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === quote) out += '\\' + ch;
    else if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (isPrint(ch) && !(asciiOnly && cp >= 0x80)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + quote;
}

/** unicode.IsSpace. */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** strings.ToLower / ToUpper: per-rune simple case mapping (no 'ß' → "SS" expansions). */
export function goCaseMap(s: string, upper: boolean): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) {
    if (!upper && ch === '\u0130') {
      out += 'i';
      continue;
    }
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** Code points of a string (Go's []rune). */
export function runes(s: string): string[] {
  return Array.from(s);
}

/** True when every UTF-16 unit is ASCII (then code unit and rune indexes agree). */
export function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s);
}

/** UTF-8 bytes of a string. */
export function utf8Bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

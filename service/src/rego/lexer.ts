// Rego lexer: turns source text into tokens carrying positions and whether a newline preceded them.
import { AuthzServiceError } from '../errors/index.js';
import type { RegoLocation } from './errors.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'template' | 'eof';

/** An interpolated `{expr}` of a template string: the source range between its braces. */
export interface TemplateHole {
  from: number;
  to: number;
}

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the decoded value is in `value`). */
  text: string;
  value?: string;
  row: number;
  col: number;
  offset: number;
  end: number;
  /** A newline separates this token from the previous one. */
  nl: boolean;
  /** Whitespace or a comment separates this token from the previous one. */
  ws: boolean;
  /** Template strings: literal text (escapes decoded) and holes, in order. */
  parts?: (string | TemplateHole)[];
}

export class LexError extends AuthzServiceError<'ERR_REGO_LEX'> {
  readonly code = 'ERR_REGO_LEX';
  constructor(
    message: string,
    readonly loc: RegoLocation,
  ) {
    super(message);
  }
}

const PUNCT2 = new Set([':=', '==', '!=', '<=', '>=']);
const PUNCT1 = new Set(['<', '>', '=', '+', '-', '*', '/', '%', '&', '|', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':']);

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Tokenizes a whole module or query, or the range [from, to) of it (a template string's hole). */
export function tokenize(file: string, src: string, from = 0, to = src.length): Token[] {
  const out: Token[] = [];
  let i = from;
  let row = 1;
  let lineStart = 0;
  for (let j = src.indexOf('\n'); j !== -1 && j < from; j = src.indexOf('\n', j + 1)) {
    row++;
    lineStart = j + 1;
  }
  let nl = false;
  let ws = false;
  const loc = (at: number): RegoLocation => ({ file, row, col: at - lineStart + 1 });
  while (i < to) {
    const c = src[i];
    if (c === '\n') {
      i++;
      row++;
      lineStart = i;
      nl = true;
      ws = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      ws = true;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      ws = true;
      continue;
    }
    const start = i;
    const startRow = row;
    const col = i - lineStart + 1;
    const push = (kind: TokenKind, text: string, value?: string): void => {
      out.push({ kind, text, value, row: startRow, col, offset: start, end: i, nl, ws });
      nl = false;
      ws = false;
    };
    if (isIdentStart(c)) {
      while (i < src.length && (isIdentStart(src[i]) || isDigit(src[i]))) i++;
      push('ident', src.slice(start, i));
      continue;
    }
    if (isDigit(c)) {
      while (i < src.length && isDigit(src[i])) i++;
      if (src[i] === '.' && isDigit(src[i + 1] ?? '')) {
        i++;
        while (i < src.length && isDigit(src[i])) i++;
      }
      if (src[i] === 'e' || src[i] === 'E') {
        let j = i + 1;
        if (src[j] === '+' || src[j] === '-') j++;
        if (isDigit(src[j] ?? '')) {
          i = j;
          while (i < src.length && isDigit(src[i])) i++;
        }
      }
      const text = src.slice(start, i);
      if (text.length > 1 && text[0] === '0' && isDigit(text[1])) throw new LexError(`invalid number ${text}`, loc(start));
      push('number', text);
      continue;
    }
    if (c === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) {
      const raw = src[i + 1] === '`';
      const parts: (string | TemplateHole)[] = [];
      let buf = '';
      i += 2;
      for (;;) {
        if (i >= to || (!raw && src[i] === '\n')) throw new LexError('non-terminated template string', loc(start));
        const ch = src[i];
        if (ch === (raw ? '`' : '"')) {
          i++;
          break;
        }
        if (ch === '\\' && (src[i + 1] === '{' || src[i + 1] === '}')) {
          buf += src[i + 1];
          i += 2;
        } else if (ch === '\\' && !raw) {
          const len = src[i + 1] === 'u' ? 6 : 2;
          try {
            buf += JSON.parse(`"${src.slice(i, i + len)}"`) as string;
          } catch {
            throw new LexError(`illegal template-string part: ${src.slice(i, i + len)}`, loc(i));
          }
          i += len;
        } else if (ch === '{') {
          if (buf !== '') parts.push(buf);
          buf = '';
          const end = holeEnd(src, i + 1, to);
          if (end < 0) throw new LexError('expected } to end template string expression', loc(i));
          for (let j = i; j < end; j++) {
            if (src[j] === '\n') {
              row++;
              lineStart = j + 1;
            }
          }
          parts.push({ from: i + 1, to: end });
          i = end + 1;
        } else {
          if (ch === '\n') {
            row++;
            lineStart = i + 1;
          }
          buf += ch;
          i++;
        }
      }
      if (buf !== '') parts.push(buf);
      out.push({ kind: 'template', text: src.slice(start, i), parts, row: startRow, col, offset: start, end: i, nl, ws });
      nl = false;
      ws = false;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\n') throw new LexError('non-terminated string', loc(start));
        if (src[i] === '\\') i++;
        i++;
      }
      if (i >= src.length) throw new LexError('non-terminated string', loc(start));
      i++;
      const text = src.slice(start, i);
      let value: string;
      try {
        value = JSON.parse(text) as string;
      } catch {
        throw new LexError(`invalid string literal ${text}`, loc(start));
      }
      push('string', text, value);
      continue;
    }
    if (c === '`') {
      i++;
      while (i < src.length && src[i] !== '`') {
        if (src[i] === '\n') {
          row++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= src.length) throw new LexError('non-terminated raw string', { file, row: startRow, col });
      i++;
      const text = src.slice(start, i);
      push('string', text, text.slice(1, -1));
      continue;
    }
    const two = src.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      i += 2;
      push('punct', two);
      continue;
    }
    if (PUNCT1.has(c)) {
      i++;
      push('punct', c);
      continue;
    }
    throw new LexError(`illegal token ${JSON.stringify(c)}`, loc(start));
  }
  out.push({ kind: 'eof', text: '', row, col: i - lineStart + 1, offset: i, end: i, nl: true, ws: true });
  return out;
}

/** Offset of the `}` closing a template hole opened just before `from`; strings and nested braces are skipped. */
function holeEnd(src: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (c === '"' || c === '`') {
      for (i++; i < to && src[i] !== c; i++) if (c === '"' && src[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

// Rego lexer: turns source text into tokens carrying positions and whether a newline preceded them.
import type { RegoLocation } from './errors.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

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
}

export class LexError extends Error {
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

/** Tokenizes a whole module or query. */
export function tokenize(file: string, src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let row = 1;
  let lineStart = 0;
  let nl = false;
  let ws = false;
  const loc = (at: number): RegoLocation => ({ file, row, col: at - lineStart + 1 });
  while (i < src.length) {
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

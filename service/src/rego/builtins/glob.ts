// Builtins of the "glob" category with gobwas/glob semantics as OPA uses them. A glob is parsed
// once, translated to an equivalent RE2 expression and matched by re2js in linear time.
import { AuthzServiceError } from '../../errors/index.js';
import { isArray, type Value } from '../value.js';
import { builtinError, operandError, type BuiltinDecl } from './types.js';
import { elementError, stringOperand } from './operands.js';
import type { RE2JS } from 're2js';
import { compileRe2, quoteMeta, RegexSyntaxError } from './re2-cache.js';

const NAME = 'glob.match';
const MAX_ENTRIES = 500;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'single' | 'any' | 'super' }
  | { kind: 'class'; not: boolean; ranges: [number, number][] }
  | { kind: 'alt'; alts: Node[][] };

class GlobSyntaxError extends AuthzServiceError<'ERR_BUILTIN_FAILURE'> {
  readonly code = 'ERR_BUILTIN_FAILURE';
}

/** Lexes and parses a glob (gobwas/glob grammar) into a node sequence. */
class Parser {
  private i = 0;
  private readonly cps: number[];

  constructor(pattern: string) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0) as number);
  }

  parse(): Node[] {
    const [seq, stop] = this.sequence(false);
    if (stop !== 'eof') throw new GlobSyntaxError(`unexpected ${stop}`);
    return seq;
  }

  private peek(): number | undefined {
    return this.cps[this.i];
  }

  /** A sequence up to the end, or inside `{...}` up to `,` or `}`. */
  private sequence(inTerms: boolean): [Node[], 'eof' | ',' | '}'] {
    const seq: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined) return [seq, 'eof'];
      const ch = String.fromCodePoint(c);
      if (inTerms && (ch === ',' || ch === '}')) {
        this.i++;
        return [seq, ch];
      }
      if (ch === '{') {
        this.i++;
        seq.push(this.alternatives());
      } else if (ch === '[') {
        this.i++;
        seq.push(this.range());
      } else if (ch === '?') {
        this.i++;
        seq.push({ kind: 'single' });
      } else if (ch === '*') {
        this.i++;
        if (this.peek() === 0x2a) {
          this.i++;
          seq.push({ kind: 'super' });
        } else seq.push({ kind: 'any' });
      } else {
        const breakers = inTerms ? '?*[{},' : '?*[{';
        seq.push({ kind: 'text', text: this.text(breakers) });
      }
    }
  }

  private alternatives(): Node {
    const alts: Node[][] = [];
    for (;;) {
      const [seq, stop] = this.sequence(true);
      alts.push(seq);
      if (stop === 'eof') throw new GlobSyntaxError('unclosed `{`');
      if (stop === '}') return { kind: 'alt', alts };
    }
  }

  /** Literal characters up to a breaker; a backslash escapes the next character. */
  private text(breakers: string): string {
    let out = '';
    let escaped = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        if (escaped) throw new GlobSyntaxError('trailing backslash');
        return out;
      }
      const ch = String.fromCodePoint(c);
      if (!escaped) {
        if (ch === '\\') {
          escaped = true;
          this.i++;
          continue;
        }
        if (breakers.includes(ch)) return out;
      }
      escaped = false;
      out += ch;
      this.i++;
    }
  }

  /** A character class after its `[`: `[!a-z]` (a range) or `[!abc]` (a set). */
  private range(): Node {
    let not = false;
    if (this.peek() === 0x21) {
      not = true;
      this.i++;
    }
    const first = this.peek();
    if (first === undefined) throw new GlobSyntaxError('unexpected end of input');
    let ranges: [number, number][];
    if (this.cps[this.i + 1] === 0x2d) {
      const hi = this.cps[this.i + 2];
      if (hi === undefined) throw new GlobSyntaxError('unexpected end of input');
      if (hi < first) throw new GlobSyntaxError('range hi character is less than lo');
      this.i += 3;
      ranges = [[first, hi]];
    } else {
      const chars = this.text(']');
      if (chars === '') throw new GlobSyntaxError('could not parse range');
      ranges = Array.from(chars, (c) => [c.codePointAt(0) as number, c.codePointAt(0) as number]);
    }
    const close = this.peek();
    if (close === undefined) throw new GlobSyntaxError('unexpected end of input');
    if (close !== 0x5d) throw new GlobSyntaxError('expected close range character');
    this.i++;
    return { kind: 'class', not, ranges };
  }
}

function cp(c: number): string {
  return `\\x{${c.toString(16)}}`;
}

function toRegex(seq: Node[], notSep: string): string {
  return seq
    .map((node) => {
      switch (node.kind) {
        case 'text':
          return quoteMeta(node.text);
        case 'single':
          return notSep;
        case 'any':
          return notSep + '*';
        case 'super':
          return '(?s:.*)';
        case 'class':
          return '[' + (node.not ? '^' : '') + node.ranges.map(([lo, hi]) => (lo === hi ? cp(lo) : cp(lo) + '-' + cp(hi))).join('') + ']';
        case 'alt':
          return '(?:' + node.alts.map((alt) => toRegex(alt, notSep)).join('|') + ')';
      }
    })
    .join('');
}

/**
 * Compiled globs (the RE2 program, or the syntax error) by separators, then pattern: two lookups
 * of strings the policy already holds, instead of hashing a freshly concatenated key per call.
 */
const compiled = new Map<string, Map<string, RE2JS | GlobSyntaxError>>();
let compiledCount = 0;

/** The RE2 program equivalent to a glob with the given separators (compiled once, cached). */
function compileGlob(pattern: string, seps: string[]): RE2JS {
  const sepKey = seps.join('');
  let bySeps = compiled.get(sepKey);
  let c = bySeps?.get(pattern);
  if (c === undefined) {
    try {
      const notSep = seps.length === 0 ? '(?s:.)' : '[^' + seps.map((x) => cp(x.codePointAt(0) as number)).join('') + ']';
      c = compileRe2('^(?:' + toRegex(new Parser(pattern).parse(), notSep) + ')$');
    } catch (e) {
      // A glob too large for RE2 fails like a malformed one.
      if (e instanceof RegexSyntaxError) c = new GlobSyntaxError(e.message);
      else if (e instanceof GlobSyntaxError) c = e;
      else throw e;
    }
    // Bounded: when full it starts over (policies use a fixed, small set of patterns).
    if (compiledCount >= MAX_ENTRIES) {
      compiled.clear();
      compiledCount = 0;
      bySeps = undefined;
    }
    if (!bySeps) {
      bySeps = new Map();
      compiled.set(sepKey, bySeps);
    }
    bySeps.set(pattern, c);
    compiledCount++;
  }
  if (c instanceof GlobSyntaxError) throw builtinError(NAME, c.message);
  return c;
}

/** One code point (a lone surrogate counts as one, as Array.from sees it). */
function isRune(x: string): boolean {
  return x.length === 1 || (x.length === 2 && (x.codePointAt(0) as number) > 0xffff);
}

const DEFAULT_DELIMITERS = ['.'];

/** The separators; the operand itself once checked (values are never mutated), not a copy per call. */
function delimiters(v: Value): string[] {
  if (v === null) return [];
  if (!isArray(v)) throw operandError(NAME, 2, 'one of {array, null}', v);
  for (const x of v) {
    if (typeof x !== 'string') throw elementError(NAME, 2, v, x, 'string');
    if (!isRune(x)) throw elementError(NAME, 2, v, x, 'rune');
  }
  return v.length === 0 ? DEFAULT_DELIMITERS : (v as string[]);
}

function globMatch(args: Value[]): Value {
  const pattern = stringOperand(NAME, args[0], 1);
  const seps = delimiters(args[1]);
  const match = stringOperand(NAME, args[2], 3);
  return compileGlob(pattern, seps).testExact(match);
}

/** gobwas/glob QuoteMeta: escapes * ? \ [ ] { }. */
function quoteMetaGlob(args: Value[]): Value {
  return stringOperand('glob.quote_meta', args[0], 1).replace(/[*?\\[\]{}]/g, '\\$&');
}

export const globBuiltins: readonly BuiltinDecl[] = [
  { name: 'glob.match', args: ['string', { oneOf: [{ array: 'string' }, 'null'] }, 'string'], result: 'boolean', impl: globMatch },
  { name: 'glob.quote_meta', args: ['string'], result: 'string', impl: quoteMetaGlob },
];

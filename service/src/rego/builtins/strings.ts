// Builtins of the "strings" category, with Go's string semantics as OPA has them: indexes and
// lengths count code points, trimming uses unicode.IsSpace, replacement uses strings.Replacer.
import { isArray, isObject, isSet, objectEntries, type Value } from '../value.js';
import { builtinError, operandError, type BuiltinContext, type BuiltinDecl, type TypeSpec } from './types.js';
import { chargeSerialized, chunkedCharge } from './charging.js';
import { elementError, intOperand, numberOperand, operandMessage, stringOperand, stringSliceOperand } from './operands.js';
import { goCaseMap, isAscii, isGoSpace, runes } from './go-text.js';
import { goReplace } from './go-replacer.js';
import { goSprintf } from './go-fmt.js';
import { renderTemplate } from './go-template.js';

const S: TypeSpec = 'string';
const N: TypeSpec = 'number';
const B: TypeSpec = 'boolean';
const STRINGS: TypeSpec = { oneOf: ['string', { set: 'string' }, { array: 'string' }] };

function strFn(name: string, args: number, fn: (...xs: string[]) => Value, result: TypeSpec): BuiltinDecl {
  return { name, args: Array.from({ length: args }, () => S), result, impl: stringsImpl(name, args, fn) };
}

/** Checks the string operands and calls fn; unrolled for one and two (no mapped copy or spread per call). */
function stringsImpl(name: string, args: number, fn: (...xs: string[]) => Value): BuiltinDecl['impl'] {
  if (args === 1) return (xs) => fn(stringOperand(name, xs[0], 1));
  if (args === 2) return (xs) => fn(stringOperand(name, xs[0], 1), stringOperand(name, xs[1], 2));
  return (xs) => fn(...xs.map((x, i) => stringOperand(name, x, i + 1)));
}

/** The strings of operand `v`: one string, or an array or set of strings. */
function stringsOperand(name: string, v: Value, position: number): string[] {
  if (typeof v === 'string') return [v];
  if (isArray(v) || isSet(v)) return stringSliceOperand(name, v, position);
  throw operandError(name, position, 'one of {string, set, array}', v);
}

function reverse(s: string): string {
  return runes(s).reverse().join('');
}

function concat(args: Value[], ctx: BuiltinContext): Value {
  const sep = stringOperand('concat', args[0], 1);
  const coll = args[1];
  if (!isArray(coll) && !isSet(coll)) throw operandError('concat', 2, 'one of {set, array}', coll);
  const items = isArray(coll) ? coll : coll.values();
  let size = Math.max(0, items.length - 1) * sep.length;
  for (const x of items) {
    if (typeof x !== 'string') throw elementError('concat', 2, coll, x, 'string');
    size += x.length;
  }
  ctx.charge(size);
  return (items as string[]).join(sep);
}

function formatInt(args: Value[]): Value {
  const input = numberOperand('format_int', args[0], 1);
  const base = numberOperand('format_int', args[1], 2);
  const radix = Number(base);
  if (![2, 8, 10, 16].includes(radix)) throw operandMessage('format_int', 2, 'must be one of {2, 8, 10, 16}');
  // big.Float.Int truncates toward zero.
  const i = typeof input === 'bigint' ? input : BigInt(Math.trunc(input));
  return i.toString(radix);
}

function runeIndexes(name: string, args: Value[], all: boolean): number[] {
  const base = stringOperand(name, args[0], 1);
  const search = stringOperand(name, args[1], 2);
  if (search === '') throw builtinError(name, 'empty search character');
  if (!all && isAscii(base)) return [base.indexOf(search)];
  const hay = runes(base);
  const needle = runes(search);
  const out: number[] = [];
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let ok = true;
    for (let j = 0; j < needle.length && ok; j++) ok = hay[i + j] === needle[j];
    if (ok) {
      out.push(i);
      if (!all) return out;
    }
  }
  return all ? out : [-1];
}

function substring(args: Value[]): Value {
  const base = stringOperand('substring', args[0], 1);
  const start = intOperand('substring', args[1], 2);
  const length = intOperand('substring', args[2], 3);
  if (start < 0) throw builtinError('substring', 'negative offset');
  const rs = isAscii(base) ? null : runes(base);
  const len = rs ? rs.length : base.length;
  if (start >= len) return '';
  const end = length < 0 ? len : Math.min(len, start + length);
  return rs ? rs.slice(start, end).join('') : base.slice(start, end);
}

/** strings.Split: an empty separator splits after each code point. */
function goSplit(s: string, sep: string): string[] {
  return sep === '' ? runes(s) : s.split(sep);
}

function split(args: Value[]): Value {
  const s = stringOperand('split', args[0], 1);
  const d = stringOperand('split', args[1], 2);
  if (!s.includes(d)) return [s];
  return goSplit(s, d);
}

function splitN(args: Value[]): Value {
  const s = stringOperand('strings.split_n', args[0], 1);
  const d = stringOperand('strings.split_n', args[1], 2);
  const n = intOperand('strings.split_n', args[2], 3);
  const parts = s.includes(d) ? goSplit(s, d) : [s];
  if (n === 0) return [];
  return n > 0 ? parts.slice(0, n) : parts.slice(Math.max(parts.length + n, 0));
}

function count(args: Value[]): Value {
  const s = stringOperand('strings.count', args[0], 1);
  const sub = stringOperand('strings.count', args[1], 2);
  if (sub === '') return runes(s).length + 1;
  return s.split(sub).length - 1;
}

function replaceN(args: Value[], ctx: BuiltinContext): Value {
  const patterns = args[0];
  if (!isObject(patterns)) throw operandError('strings.replace_n', 1, 'object', patterns);
  const s = stringOperand('strings.replace_n', args[1], 2);
  const pairs: [string, string][] = [];
  for (const [k, v] of objectEntries(patterns)) {
    if (typeof k !== 'string') throw operandMessage('strings.replace_n', 1, 'non-string key found in pattern object');
    if (typeof v !== 'string') throw operandMessage('strings.replace_n', 1, 'non-string value found in pattern object');
    pairs.push([k, v]);
  }
  const charge = chunkedCharge(ctx);
  const out = goReplace(s, pairs, charge.add);
  charge.flush();
  return out;
}

function replace(args: Value[], ctx: BuiltinContext): Value {
  const s = stringOperand('replace', args[0], 1);
  const old = stringOperand('replace', args[1], 2);
  const nu = stringOperand('replace', args[2], 3);
  const charge = chunkedCharge(ctx);
  const out = goReplace(s, [[old, nu]], charge.add);
  charge.flush();
  return out;
}

/** strings.TrimLeft/TrimRight/Trim with a cutset of code points. */
function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  if (s === '' || cutset === '') return s;
  const cut = new Set(runes(cutset));
  const rs = runes(s);
  let a = 0;
  let b = rs.length;
  if (left) while (a < b && cut.has(rs[a])) a++;
  if (right) while (b > a && cut.has(rs[b - 1])) b--;
  return a === 0 && b === rs.length ? s : rs.slice(a, b).join('');
}

function trimSpace(s: string): string {
  const rs = runes(s);
  let a = 0;
  let b = rs.length;
  while (a < b && isGoSpace(rs[a].codePointAt(0) as number)) a++;
  while (b > a && isGoSpace(rs[b - 1].codePointAt(0) as number)) b--;
  return rs.slice(a, b).join('');
}

function sprintf(args: Value[], ctx: BuiltinContext): Value {
  const format = stringOperand('sprintf', args[0], 1);
  const values = args[1];
  if (!isArray(values)) throw operandError('sprintf', 2, 'array', values);
  // Each verb prints at most one value (or a padding of at most 10^6); the arguments are charged once.
  chargeSerialized(ctx, values);
  const charge = chunkedCharge(ctx);
  const out = goSprintf(format, values, charge.add);
  charge.flush();
  return out;
}

function anyMatch(name: string, suffix: boolean): (args: Value[]) => Value {
  return (args) => {
    let strs = stringsOperand(name, args[0], 1);
    let prefixes = stringsOperand(name, args[1], 2);
    if (suffix) {
      strs = strs.map(reverse);
      prefixes = prefixes.map(reverse);
    }
    return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
  };
}

export const stringsBuiltins: readonly BuiltinDecl[] = [
  { name: 'concat', args: [S, { oneOf: [{ set: S }, { array: S }] }], result: S, impl: concat },
  { name: 'format_int', args: [N, N], result: S, impl: formatInt },
  { name: 'indexof', args: [S, S], result: N, impl: (a) => runeIndexes('indexof', a, false)[0] },
  { name: 'indexof_n', args: [S, S], result: { array: N }, impl: (a) => runeIndexes('indexof_n', a, true) },
  { name: 'substring', args: [S, N, N], result: S, impl: substring },
  strFn('contains', 2, (s, sub) => s.includes(sub), B),
  { name: 'strings.count', args: [S, S], result: N, impl: count },
  strFn('startswith', 2, (s, p) => s.startsWith(p), B),
  strFn('endswith', 2, (s, p) => s.endsWith(p), B),
  strFn('lower', 1, (s) => goCaseMap(s, false), S),
  strFn('upper', 1, (s) => goCaseMap(s, true), S),
  { name: 'split', args: [S, S], result: { array: S }, impl: split },
  { name: 'strings.split_n', args: [S, S, N], result: { array: S }, impl: splitN },
  { name: 'replace', args: [S, S, S], result: S, impl: replace },
  { name: 'strings.replace_n', args: [{ object: [S, S] }, S], result: S, impl: replaceN },
  strFn('trim', 2, (s, c) => trimCutset(s, c, true, true), S),
  strFn('trim_left', 2, (s, c) => trimCutset(s, c, true, false), S),
  strFn('trim_right', 2, (s, c) => trimCutset(s, c, false, true), S),
  strFn('trim_prefix', 2, (s, p) => (s.startsWith(p) ? s.slice(p.length) : s), S),
  strFn('trim_suffix', 2, (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s), S),
  strFn('trim_space', 1, trimSpace, S),
  { name: 'sprintf', args: [S, { array: 'any' }], result: S, impl: sprintf },
  strFn('strings.reverse', 1, reverse, S),
  { name: 'strings.any_prefix_match', args: [STRINGS, STRINGS], result: B, impl: anyMatch('strings.any_prefix_match', false) },
  { name: 'strings.any_suffix_match', args: [STRINGS, STRINGS], result: B, impl: anyMatch('strings.any_suffix_match', true) },
  { name: 'strings.render_template', args: [S, { object: [S, 'any'] }], result: S, impl: renderTemplate },
];

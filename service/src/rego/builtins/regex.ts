// Builtins of the "regex" category with Go regexp (RE2) semantics via re2js: matching is linear in
// the input, so patterns and inputs from untrusted callers cannot trigger catastrophic backtracking.
import type { RE2JS } from 're2js';
import type { Value } from '../value.js';
import { builtinError, type BuiltinContext, type BuiltinDecl, type TypeSpec } from './types.js';
import { chunkedCharge } from './charging.js';
import { intOperand, stringOperand } from './operands.js';
import { compileRe2, quoteMeta, RegexSyntaxError } from './re2-cache.js';
import { globsMatch } from './globs-intersect.js';

const S: TypeSpec = 'string';
const B: TypeSpec = 'boolean';
const N: TypeSpec = 'number';

function compile(name: string, pattern: string): RE2JS {
  try {
    return compileRe2(pattern);
  } catch (e) {
    if (e instanceof RegexSyntaxError) throw builtinError(name, e.message);
    throw e;
  }
}

/** FindAll*Index with Go's n: negative means all, zero means none. */
function allIndexes(re: RE2JS, s: string, n: number): number[][] {
  if (n === 0) return [];
  return (re.re2().findAllSubmatchIndex(s, n < 0 ? -1 : n) as number[][] | null) ?? [];
}

function isValid(args: Value[]): Value {
  if (typeof args[0] !== 'string') return false;
  try {
    compileRe2(args[0]);
    return true;
  } catch {
    return false;
  }
}

function match(name: string): (args: Value[]) => Value {
  return (args) => {
    const pattern = stringOperand(name, args[0], 1);
    const value = stringOperand(name, args[1], 2);
    return compile(name, pattern).test(value);
  };
}

/** regexp.Split(s, -1). */
function split(args: Value[]): Value {
  const pattern = stringOperand('regex.split', args[0], 1);
  const s = stringOperand('regex.split', args[1], 2);
  const re = compile('regex.split', pattern);
  if (pattern !== '' && s === '') return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of allIndexes(re, s, -1)) {
    end = m[0];
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1];
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

function findN(args: Value[]): Value {
  const pattern = stringOperand('regex.find_n', args[0], 1);
  const s = stringOperand('regex.find_n', args[1], 2);
  const n = intOperand('regex.find_n', args[2], 3);
  return allIndexes(compile('regex.find_n', pattern), s, n).map((m) => s.slice(m[0], m[1]));
}

function findAllSubmatch(args: Value[]): Value {
  const name = 'regex.find_all_string_submatch_n';
  const pattern = stringOperand(name, args[0], 1);
  const s = stringOperand(name, args[1], 2);
  const n = intOperand(name, args[2], 3);
  return allIndexes(compile(name, pattern), s, n).map((m) => {
    const groups: string[] = [];
    for (let i = 0; i < m.length; i += 2) groups.push(m[i] >= 0 ? s.slice(m[i], m[i + 1]) : '');
    return groups;
  });
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name} and $$ in the template. */
function expand(template: string, s: string, m: number[], names: Record<string, number>): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    const name = ref[1] ?? ref[2];
    let group = /^\d+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 8 ? Number(name) : -1;
    if (group < 0 && Object.prototype.hasOwnProperty.call(names, name)) group = names[name];
    if (group >= 0 && 2 * group + 1 < m.length && m[2 * group] >= 0) out += s.slice(m[2 * group], m[2 * group + 1]);
  }
  return out + rest;
}

/** regexp.ReplaceAllString. */
function replace(args: Value[], ctx: BuiltinContext): Value {
  const s = stringOperand('regex.replace', args[0], 1);
  const pattern = stringOperand('regex.replace', args[1], 2);
  const value = stringOperand('regex.replace', args[2], 3);
  const re = compile('regex.replace', pattern);
  const names = re.namedGroups();
  const charge = chunkedCharge(ctx);
  let out = '';
  let last = 0;
  for (const m of allIndexes(re, s, -1)) {
    const piece = expand(value, s, m, names);
    charge.add(m[0] - last + piece.length);
    out += s.slice(last, m[0]) + piece;
    last = m[1];
  }
  charge.add(s.length - last);
  charge.flush();
  return out + s.slice(last);
}

/** regex.template_match: literal text with delimited regular expressions, matched whole. */
function templateMatch(args: Value[]): Value {
  const name = 'regex.template_match';
  const template = stringOperand(name, args[0], 1);
  const value = stringOperand(name, args[1], 2);
  const start = stringOperand(name, args[2], 3);
  const end = stringOperand(name, args[3], 4);
  const startLen = Buffer.byteLength(start);
  if (startLen !== 1) throw builtinError(name, `start delimiter has to be exactly one character long but is ${startLen} long`);
  // OPA reports the start delimiter's length here too.
  if (Buffer.byteLength(end) !== 1) throw builtinError(name, `end delimiter has to be exactly one character long but is ${startLen} long`);
  const idxs: number[] = [];
  let level = 0;
  let open = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === start) {
      if (++level === 1) open = i;
    } else if (template[i] === end) {
      if (--level === 0) idxs.push(open, i + 1);
      else if (level < 0) throw builtinError(name, `unbalanced braces in ${JSON.stringify(template)}`);
    }
  }
  if (level !== 0) throw builtinError(name, `unbalanced braces in ${JSON.stringify(template)}`);
  let pattern = '^';
  let last = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const inner = template.slice(idxs[i] + 1, idxs[i + 1] - 1);
    compile(name, `^${inner}$`);
    pattern += quoteMeta(template.slice(last, idxs[i])) + `(${inner})`;
    last = idxs[i + 1];
  }
  pattern += quoteMeta(template.slice(last)) + '$';
  return compile(name, pattern).test(value);
}

export const regexBuiltins: readonly BuiltinDecl[] = [
  { name: 'regex.is_valid', args: [S], result: B, impl: isValid },
  { name: 'regex.match', args: [S, S], result: B, impl: match('regex.match') },
  { name: 'regex.split', args: [S, S], result: { array: S }, impl: split },
  { name: 'regex.find_n', args: [S, S, N], result: { array: S }, impl: findN },
  { name: 'regex.find_all_string_submatch_n', args: [S, S, N], result: { array: { array: S } }, impl: findAllSubmatch },
  { name: 'regex.replace', args: [S, S, S], result: S, impl: replace },
  { name: 'regex.template_match', args: [S, S, S, S], result: B, impl: templateMatch },
  { name: 'regex.globs_match', args: [S, S], result: B, impl: globsMatch },
];

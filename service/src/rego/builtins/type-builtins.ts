// Builtins of the "types" category: is_* predicates, type_name and to_number. OPA 1.x has no
// cast_* builtins for v1 policies (they were deprecated in v0.13 and dropped), so none are here.
import { isArray, isNumber, isObject, isSet, normalizeInt, typeName, type Value } from '../value.js';
import { builtinError, operandError, type BuiltinDecl } from './types.js';
import { goQuote } from './go-text.js';

function predicate(name: string, test: (v: Value) => boolean): BuiltinDecl {
  return { name, args: ['any'], result: 'boolean', impl: (args) => test(args[0]) };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(args: Value[]): Value {
  const v = args[0];
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) return v;
  if (typeof v !== 'string') throw operandError('to_number', 1, 'one of {null, boolean, number, string}', v);
  const word = v.replace(/^[+-]+/, '').toLowerCase();
  if (word === 'inf' || word === 'infinity' || word === 'nan') throw operandError('to_number', 1, 'valid number string', v);
  if (!DECIMAL.test(v)) throw builtinError('to_number', `strconv.ParseFloat: parsing ${goQuote(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw builtinError('to_number', `strconv.ParseFloat: parsing ${goQuote(v)}: value out of range`);
  // OPA keeps the string as the number's text, so long integers stay exact.
  if (/^[+-]?\d+$/.test(v)) return normalizeInt(BigInt(v));
  return n === 0 ? 0 : n;
}

export const typeBuiltins: readonly BuiltinDecl[] = [
  predicate('is_string', (v) => typeof v === 'string'),
  predicate('is_number', isNumber),
  predicate('is_boolean', (v) => typeof v === 'boolean'),
  predicate('is_array', isArray),
  predicate('is_set', isSet),
  predicate('is_object', isObject),
  predicate('is_null', (v) => v === null),
  { name: 'type_name', args: ['any'], result: 'string', impl: (args) => typeName(args[0]) },
  { name: 'to_number', args: [{ oneOf: ['number', 'string', 'boolean', 'null'] }], result: 'number', impl: toNumber },
];

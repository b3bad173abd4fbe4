// Builtins of the "aggregates" category: count, sum, product, max, min and sort.
import { compareValues, isArray, sortValues, isNumber, isObject, isSet, objectSize, typeName, type RegoNumber, type Value } from '../value.js';
import { addNumbers, mulNumbers } from './arithmetic.js';
import { BuiltinError, operandError, type BuiltinDecl, type TypeSpec } from './types.js';

const COLLECTION: TypeSpec = { oneOf: [{ array: 'any' }, { set: 'any' }] };
const NUMBERS: TypeSpec = { oneOf: [{ array: 'number' }, { set: 'number' }] };

/** The elements of an array or set operand, or OPA's "one of {set, array}" type error. */
function elements(name: string, v: Value): Value[] {
  if (isArray(v)) return v;
  if (isSet(v)) return v.values();
  throw operandError(name, 1, 'one of {set, array}', v);
}

/** "operand 1 must be array of numbers but got array containing string" (OPA's element error). */
function elementError(name: string, collection: Value, got: Value): BuiltinError {
  const kind = typeName(collection);
  return new BuiltinError('eval_type_error', `${name}: operand 1 must be ${kind} of numbers but got ${kind} containing ${typeName(got)}`);
}

function fold(name: string, v: Value, init: RegoNumber, op: (x: RegoNumber, y: RegoNumber) => RegoNumber): RegoNumber {
  let acc = init;
  for (const x of elements(name, v)) {
    if (!isNumber(x)) throw elementError(name, v, x);
    acc = op(acc, x);
  }
  return acc;
}

function count([v]: Value[]): Value {
  if (isArray(v)) return v.length;
  if (isSet(v)) return v.size;
  if (typeof v === 'string') {
    // Go counts runes (code points), not UTF-16 units.
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  if (isObject(v)) return objectSize(v);
  throw operandError('count', 1, 'one of {array, object, set, string}', v);
}

/** Greatest (or least) element in Rego's total order; undefined for an empty collection. */
function extreme(name: string, v: Value, sign: 1 | -1): Value | undefined {
  const items = elements(name, v);
  if (items.length === 0) return undefined;
  let best = items[0];
  for (const x of items) if (compareValues(x, best) * sign > 0) best = x;
  return best;
}

export const aggregatesBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'count',
    args: [{ oneOf: [{ array: 'any' }, { set: 'any' }, { object: ['any', 'any'] }, 'string'] }],
    result: 'number',
    impl: count,
  },
  { name: 'sum', args: [NUMBERS], result: 'number', impl: ([v]) => fold('sum', v, 0, addNumbers) },
  { name: 'product', args: [NUMBERS], result: 'number', impl: ([v]) => fold('product', v, 1, mulNumbers) },
  { name: 'max', args: [COLLECTION], result: 'any', impl: ([v]) => extreme('max', v, 1) },
  { name: 'min', args: [COLLECTION], result: 'any', impl: ([v]) => extreme('min', v, -1) },
  { name: 'sort', args: [COLLECTION], result: { array: 'any' }, impl: ([v]) => sortValues(elements('sort', v).slice()) },
];

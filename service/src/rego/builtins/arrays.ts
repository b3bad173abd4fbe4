// Builtins of the "arrays" category: array.concat, array.slice, array.reverse and array.flatten.
import { isArray, isNumber, type Value } from '../value.js';
import { BuiltinError, operandError, type BuiltinDecl } from './types.js';

function arrayOperand(name: string, v: Value, position: number): Value[] {
  if (!isArray(v)) throw operandError(name, position, 'array', v);
  return v;
}

/** An index operand: OPA's IntOperand, which rejects fractions with its own wording. */
function intOperand(name: string, v: Value, position: number): number {
  if (!isNumber(v)) throw operandError(name, position, 'number', v);
  if (typeof v === 'bigint') return v < 0n ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(v)) {
    throw new BuiltinError('eval_type_error', `${name}: operand ${position} must be integer number but got floating-point number`);
  }
  return v;
}

function slice([a, start, stop]: Value[]): Value {
  const arr = arrayOperand('array.slice', a, 1);
  let from = intOperand('array.slice', start, 2);
  let to = intOperand('array.slice', stop, 3);
  // Indices are clamped into range instead of failing, and a start past the stop gives [].
  to = Math.min(Math.max(to, 0), arr.length);
  from = Math.min(Math.max(from, 0), to);
  return arr.slice(from, to);
}

export const arraysBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'array.concat',
    args: [{ array: 'any' }, { array: 'any' }],
    result: { array: 'any' },
    impl: ([a, b]) => [...arrayOperand('array.concat', a, 1), ...arrayOperand('array.concat', b, 2)],
  },
  {
    name: 'array.slice',
    args: [{ array: 'any' }, 'number', 'number'],
    result: { array: 'any' },
    impl: slice,
  },
  {
    name: 'array.reverse',
    args: [{ array: 'any' }],
    result: { array: 'any' },
    impl: ([a]) => [...arrayOperand('array.reverse', a, 1)].reverse(),
  },
  {
    name: 'array.flatten',
    args: [{ array: 'any' }],
    result: { array: 'any' },
    // One level only: nested arrays inside elements stay as they are.
    impl: ([a]) => arrayOperand('array.flatten', a, 1).flatMap((x) => (isArray(x) ? x : [x])),
  },
];

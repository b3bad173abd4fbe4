// Operand checks shared by the text builtins, worded like OPA's topdown/builtins helpers.
import { isArray, isNumber, isSet, typeName, toArithmetic, type RegoNumber, type Value } from '../value.js';
import { BuiltinError, operandError } from './types.js';

export function stringOperand(name: string, v: Value, position: number): string {
  if (typeof v !== 'string') throw operandError(name, position, 'string', v);
  return v;
}

export function numberOperand(name: string, v: Value, position: number): RegoNumber {
  if (!isNumber(v)) throw operandError(name, position, 'number', v);
  return toArithmetic(v);
}

/** OPA's IntOperand: a number whose value is an integer that fits Go's int. */
export function intOperand(name: string, v: Value, position: number): number {
  const n = numberOperand(name, v, position);
  const ok = typeof n === 'bigint' ? n >= -(2n ** 63n) && n < 2n ** 63n : Number.isInteger(n) && Math.abs(n) < 2 ** 63;
  if (!ok) throw operandMessage(name, position, 'must be integer number but got floating-point number');
  return Number(n);
}

/** A type error with OPA's free-form operand wording: "name: operand N <message>". */
export function operandMessage(name: string, position: number, message: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${position} ${message}`);
}

/** "must be array of strings but got array containing number" (NewOperandElementErr). */
export function elementError(name: string, position: number, composite: Value, got: Value, expected: string): BuiltinError {
  const tpe = typeName(composite);
  return operandMessage(name, position, `must be ${tpe} of ${expected}s but got ${tpe} containing ${typeName(got)}`);
}

/** StringSliceOperand: the strings of an array or set. */
export function stringSliceOperand(name: string, v: Value, position: number): string[] {
  if (!isArray(v) && !isSet(v)) throw operandError(name, position, 'one of {array, set}', v);
  const items = isArray(v) ? v : v.values();
  return items.map((x) => {
    if (typeof x !== 'string') throw elementError(name, position, v, x, 'string');
    return x;
  });
}

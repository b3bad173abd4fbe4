// Builtins of the "bits" category: two's-complement bitwise operations on integers of any size.
import { isNumber, normalizeInt, type Value } from '../value.js';
import { exactInt } from './arithmetic.js';
import { operandMessage } from './operands.js';
import { operandError, type BuiltinContext, type BuiltinDecl } from './types.js';

/** OPA's BigIntOperand: any number denoting an integer exactly; its wording for the two failures. */
function bigIntOperand(name: string, v: Value, position: number): bigint {
  if (!isNumber(v)) throw operandError(name, position, 'integer', v);
  const n = exactInt(v);
  if (n === undefined) throw operandMessage(name, position, 'must be integer number but got floating-point number');
  return n;
}

function shiftOperand(name: string, v: Value): bigint {
  const n = bigIntOperand(name, v, 2);
  if (n < 0n) throw operandMessage(name, 2, 'must be an unsigned integer number but got a negative integer');
  return n;
}

function binary(name: string, op: (a: bigint, b: bigint) => bigint): BuiltinDecl {
  return {
    name,
    args: ['number', 'number'],
    result: 'number',
    impl: (args) => normalizeInt(op(bigIntOperand(name, args[0], 1), bigIntOperand(name, args[1], 2))),
  };
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length;
}

export const bitsBuiltins: readonly BuiltinDecl[] = [
  binary('bits.and', (a, b) => a & b),
  binary('bits.or', (a, b) => a | b),
  binary('bits.xor', (a, b) => a ^ b),
  {
    name: 'bits.negate',
    args: ['number'],
    result: 'number',
    impl: (args) => normalizeInt(~bigIntOperand('bits.negate', args[0], 1)),
  },
  {
    name: 'bits.lsh',
    args: ['number', 'number'],
    result: 'number',
    impl: (args, ctx: BuiltinContext) => {
      const a = bigIntOperand('bits.lsh', args[0], 1);
      const shift = shiftOperand('bits.lsh', args[1]);
      // The result's decimal digits (about 0.3 per bit) are charged before a huge shift builds them.
      if (a !== 0n) ctx.charge(Math.ceil((bitLength(a) + Number(shift)) * 0.302));
      return a === 0n ? 0 : normalizeInt(a << shift);
    },
  },
  {
    name: 'bits.rsh',
    args: ['number', 'number'],
    result: 'number',
    impl: (args) => {
      const a = bigIntOperand('bits.rsh', args[0], 1);
      const shift = shiftOperand('bits.rsh', args[1]);
      // Go's Rsh is arithmetic: a negative number shifted far enough is -1, never 0.
      if (shift >= BigInt(bitLength(a) + 1)) return a < 0n ? -1 : 0;
      return normalizeInt(a >> shift);
    },
  },
];

// Builtins of the "arithmetic" category: + - * / % on exact integers (bigint beyond the safe range) and floats.
import { isInteger, isNumber, isSet, normalizeInt, RegoSet, toArithmetic, type RegoNumber, type Value } from '../value.js';
import { BuiltinError, builtinError, operandError, type BuiltinContext, type BuiltinDecl } from './types.js';

/**
 * The exact integer a number denotes, or undefined for a fraction. An integral double beyond
 * the safe range stands for its shortest decimal text (1e30 is 10^30), as OPA keeps the literal.
 */
export function exactInt(n: RegoNumber): bigint | undefined {
  if (typeof n === 'bigint') return n;
  if (!Number.isInteger(n)) return undefined;
  if (Number.isSafeInteger(n)) return BigInt(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e\+(\d+)$/.exec(String(n));
  if (!m) return BigInt(String(n));
  const fraction = m[3] ?? '';
  const digits = BigInt(m[1] + m[2] + fraction);
  return digits * 10n ** BigInt(Number(m[4]) - fraction.length);
}

/** A float result as a Rego number: no -0, integral values beyond the safe range as bigints. */
export function fromFloat(name: string, r: number): RegoNumber {
  if (!Number.isFinite(r)) throw builtinError(name, 'result is out of range');
  if (r === 0) return 0;
  if (Number.isInteger(r) && !Number.isSafeInteger(r)) return exactInt(r) as bigint;
  return r;
}

function numberOperand(name: string, v: Value, position: number): RegoNumber {
  if (!isNumber(v)) throw operandError(name, position, 'number', v);
  return toArithmetic(v);
}

/** A binary operation: safe-integer fast path, then exact bigints, then doubles. */
interface BinaryOp {
  /** On two safe integers; undefined when the result must be computed another way. */
  small(x: number, y: number): number | undefined;
  /** On integers of any size; absent when the operation is not exact on integers. */
  exact?(x: bigint, y: bigint): bigint | undefined;
  /** On doubles; absent when the operation exists only for integers. */
  float?(x: number, y: number): number;
}

function evalBinary(name: string, op: BinaryOp, a: RegoNumber, b: RegoNumber): RegoNumber {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    const r = op.small(a, b);
    if (r !== undefined && Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  if (op.exact) {
    const x = exactInt(a);
    const y = exactInt(b);
    if (x !== undefined && y !== undefined) {
      const r = op.exact(x, y);
      if (r !== undefined) return normalizeInt(r);
    }
  }
  if (!op.float) throw builtinError(name, 'modulo on floating-point number');
  return fromFloat(name, op.float(Number(a), Number(b)));
}

const PLUS: BinaryOp = { small: (x, y) => x + y, exact: (x, y) => x + y, float: (x, y) => x + y };
const MINUS: BinaryOp = { small: (x, y) => x - y, exact: (x, y) => x - y, float: (x, y) => x - y };
const MUL: BinaryOp = { small: (x, y) => x * y, exact: (x, y) => x * y, float: (x, y) => x * y };

// Division is exact only when the divisor divides the dividend; everything else is a float quotient.
const DIV: BinaryOp = {
  small: (x, y) => (y !== 0 && x % y === 0 ? x / y : undefined),
  exact: (x, y) => (y !== 0n && x % y === 0n ? x / y : undefined),
  float: (x, y) => x / y,
};

// Remainder takes the sign of the dividend (Go's %, JS's % and bigint % agree) and needs integers.
const REM: BinaryOp = {
  small: (x, y) => {
    if (y === 0) throw builtinError('rem', 'modulo by zero');
    return x % y;
  },
  exact: (x, y) => {
    if (y === 0n) throw builtinError('rem', 'modulo by zero');
    return x % y;
  },
};

/** x + y exactly (shared with sum). */
export function addNumbers(x: RegoNumber, y: RegoNumber): RegoNumber {
  return evalBinary('plus', PLUS, x, y);
}

/** x * y exactly (shared with product). */
export function mulNumbers(x: RegoNumber, y: RegoNumber): RegoNumber {
  return evalBinary('mul', MUL, x, y);
}

function binary(name: string, op: BinaryOp, check?: (y: RegoNumber) => void): BuiltinDecl {
  return {
    name,
    args: ['number', 'number'],
    result: 'number',
    impl: ([a, b]) => {
      const x = numberOperand(name, a, 1);
      const y = numberOperand(name, b, 2);
      check?.(y);
      return evalBinary(name, op, x, y);
    },
  };
}

function unary(name: string, onInteger: (x: RegoNumber) => RegoNumber, onFloat: (x: number) => number): BuiltinDecl {
  return {
    name,
    args: ['number'],
    result: 'number',
    impl: ([a]) => {
      const x = numberOperand(name, a, 1);
      return isInteger(x) ? onInteger(x) : fromFloat(name, onFloat(x as number));
    },
  };
}

function abs(x: RegoNumber): RegoNumber {
  if (typeof x === 'bigint') return normalizeInt(x < 0n ? -x : x);
  return Math.abs(x);
}

// Half away from zero, as OPA rounds (JS Math.round alone rounds -2.5 towards +Infinity).
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function minus(args: Value[]): Value {
  const [a, b] = args;
  if (isNumber(a) && isNumber(b)) return evalBinary('minus', MINUS, a, b);
  if (isSet(a) && isSet(b)) return new RegoSet(a.values().filter((v) => !b.has(v)));
  if (!isNumber(a) && !isSet(a)) throw operandError('minus', 1, 'one of {number, set}', a);
  // OPA's wording: a number second operand is blamed for not being a set, anything else for not being a number.
  throw operandError('minus', 2, isNumber(b) ? 'set' : 'number', b);
}

/** An integer operand of numbers.range*: OPA's wording differs for non-numbers and fractions. */
function integerOperand(name: string, v: Value, position: number): bigint {
  if (!isNumber(v)) throw operandError(name, position, 'integer', v);
  const n = exactInt(v);
  if (n === undefined) {
    throw new BuiltinError('eval_type_error', `${name}: operand ${position} must be integer number but got floating-point number`);
  }
  return n;
}

// A range is materialized as an array; an untrusted bound must not exhaust memory.
const MAX_RANGE_LENGTH = 10_000_000;

function range(name: string, from: bigint, to: bigint, step: bigint, ctx: BuiltinContext): Value[] {
  const span = from <= to ? to - from : from - to;
  if (span / step + 1n > BigInt(MAX_RANGE_LENGTH)) throw builtinError(name, `range longer than ${MAX_RANGE_LENGTH} elements`);
  ctx.charge(Number(span / step + 1n));
  const out: Value[] = [];
  if (from <= to) for (let i = from; i <= to; i += step) out.push(normalizeInt(i));
  else for (let i = from; i >= to; i -= step) out.push(normalizeInt(i));
  return out;
}

export const arithmeticBuiltins: readonly BuiltinDecl[] = [
  binary('plus', PLUS),
  {
    name: 'minus',
    args: [{ oneOf: ['number', { set: 'any' }] }, { oneOf: ['number', { set: 'any' }] }],
    result: { oneOf: ['number', { set: 'any' }] },
    impl: minus,
  },
  binary('mul', MUL),
  binary('div', DIV, (y) => {
    if (Number(y) === 0) throw builtinError('div', 'divide by zero');
  }),
  binary('rem', REM),
  unary('abs', abs, Math.abs),
  unary('round', (x) => x, roundHalfAway),
  unary('ceil', (x) => x, Math.ceil),
  unary('floor', (x) => x, Math.floor),
  {
    name: 'numbers.range',
    args: ['number', 'number'],
    result: { array: 'number' },
    impl: ([a, b], ctx) => range('numbers.range', integerOperand('numbers.range', a, 1), integerOperand('numbers.range', b, 2), 1n, ctx),
  },
  {
    name: 'numbers.range_step',
    args: ['number', 'number', 'number'],
    result: { array: 'number' },
    impl: ([a, b, s], ctx) => {
      const name = 'numbers.range_step';
      const from = integerOperand(name, a, 1);
      const to = integerOperand(name, b, 2);
      const step = integerOperand(name, s, 3);
      if (step <= 0n) throw builtinError(name, 'step must be a positive integer');
      return range(name, from, to, step, ctx);
    },
  },
];

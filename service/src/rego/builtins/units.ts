// Builtins of the "units" category: units.parse (exact rationals, like Go's big.Rat) and
// units.parse_bytes (64-bit-mantissa big.Float arithmetic truncated to an integer, as in OPA).
import { normalizeInt, type Value } from '../value.js';
import { builtinError, type BuiltinDecl } from './types.js';
import { stringOperand } from './operands.js';

/** Go's limit on exponent digits in scientific notation (maxExponentDigits). */
const MAX_EXPONENT_DIGITS = 6;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Splits "10.5e3Ki" into number text and unit; undefined when the exponent is too long. */
function extractNumAndUnit(s: string): [string, string] | undefined {
  let firstNonNum = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      firstNonNum = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        firstNonNum = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) return undefined;
    }
  }
  if (firstNonNum === -1) return [s, ''];
  return [s.slice(0, firstNonNum), s.slice(firstNonNum)];
}

interface Rat {
  n: bigint;
  d: bigint;
}

/** A decimal literal as an exact fraction (Go's Rat.SetString / Float.SetString syntax subset). */
function parseDecimal(text: string): Rat | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  let n = BigInt((m[2] || '0') + frac);
  if (m[1] === '-') n = -n;
  const exp = Number(m[4] ?? '0') - frac.length;
  return exp >= 0 ? { n: n * 10n ** BigInt(exp), d: 1n } : { n, d: 10n ** BigInt(-exp) };
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

const DECIMAL_UNITS: Record<string, bigint> = { k: 10n ** 3n, m: 10n ** 6n, g: 10n ** 9n, t: 10n ** 12n, p: 10n ** 15n, e: 10n ** 18n };
const BINARY_UNITS: Record<string, bigint> = { k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n, p: 1n << 50n, e: 1n << 60n };

/** The double 0.001 as an exact fraction: OPA multiplies by float64(0.001) for "m" (milli). */
const MILLI: Rat = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, 0.001);
  const bits = view.getBigUint64(0);
  const mant = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const exp = Number((bits >> 52n) & 0x7ffn) - 1075;
  return { n: mant, d: 1n << BigInt(-exp) };
})();

function unitsMultiplier(unit: string): Rat | undefined {
  if (unit === '') return { n: 1n, d: 1n };
  if (unit === 'm') return MILLI;
  if (unit === 'M') return { n: DECIMAL_UNITS.m, d: 1n };
  const lower = unit.toLowerCase();
  if (lower.length === 1 && unit !== 'm' && DECIMAL_UNITS[lower] !== undefined) return { n: DECIMAL_UNITS[lower], d: 1n };
  if (lower.length === 2 && lower[1] === 'i' && BINARY_UNITS[lower[0]] !== undefined) return { n: BINARY_UNITS[lower[0]], d: 1n };
  return undefined;
}

/** big.Rat.FloatString(10), read back as a number. */
function ratToNumber(r: Rat): number {
  const scale = 10n ** 10n;
  const q = (2n * abs(r.n) * scale + r.d) / (2n * r.d);
  const digits = q.toString().padStart(11, '0');
  const text = (r.n < 0n ? '-' : '') + digits.slice(0, -10) + '.' + digits.slice(-10);
  return Number(text);
}

function parseUnits(args: Value[]): Value {
  const name = 'units.parse';
  const s = stringOperand(name, args[0], 1).replace(/"/g, '');
  if (s.includes(' ')) throw builtinError(name, 'spaces not allowed in resource strings');
  const split = extractNumAndUnit(s);
  if (!split) throw builtinError(name, 'exponent too large');
  const [num, rawUnit] = split;
  if (num === '') throw builtinError(name, 'no amount provided');
  // Only the letters after the first are case-insensitive, so "m" (milli) and "M" (mega) differ.
  const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
  const x = unitsMultiplier(unit);
  if (!x) throw builtinError(name, `unit ${unit} not recognized`);
  const r = parseDecimal(num);
  if (!r) throw builtinError(name, 'could not parse amount to a number');
  const n = r.n * x.n;
  const d = r.d * x.d;
  if (n % d === 0n) return normalizeInt(n / d);
  return ratToNumber({ n, d });
}

const MANT_BITS = 64n;

/** Rounds |n/d| to a 64-bit mantissa (ties to even): returns [mantissa, binary exponent]. */
function roundToMantissa(n: bigint, d: bigint): [bigint, bigint] {
  let e = BigInt(n.toString(2).length - d.toString(2).length) - MANT_BITS;
  for (;;) {
    const num = e >= 0n ? n : n << -e;
    const den = e >= 0n ? d << e : d;
    let q = num / den;
    if (q >= 1n << MANT_BITS) {
      e++;
      continue;
    }
    if (q < 1n << (MANT_BITS - 1n)) {
      e--;
      continue;
    }
    const rem2 = 2n * (num - q * den);
    if (rem2 > den || (rem2 === den && (q & 1n) === 1n)) q++;
    if (q === 1n << MANT_BITS) return [q >> 1n, e + 1n];
    return [q, e];
  }
}

function parseBytes(args: Value[]): Value {
  const name = 'units.parse_bytes';
  const s = stringOperand(name, args[0], 1).toLowerCase().replace(/"/g, '');
  if (s.includes(' ')) throw builtinError(name, 'spaces not allowed in resource strings');
  const split = extractNumAndUnit(s);
  if (!split) throw builtinError(name, 'exponent too large');
  const [num, unit] = split;
  if (num === '') throw builtinError(name, 'no byte amount provided');
  const m = /^([kmgtpe])(i?)b?$/.exec(unit);
  if (unit !== '' && !m) throw builtinError(name, `byte unit ${unit} not recognized`);
  const multiplier = !m ? 1n : (m[2] ? BINARY_UNITS : DECIMAL_UNITS)[m[1]];
  const r = parseDecimal(num);
  if (!r) throw builtinError(name, 'could not parse byte amount to a number');
  if (r.n === 0n) return 0;
  // big.Float: the literal rounds to 64 bits, the product rounds again, Int() truncates.
  const [mant1, e1] = roundToMantissa(abs(r.n), r.d);
  const [mant2, e2] = roundToMantissa(mant1 * multiplier, 1n);
  const exp = e1 + e2;
  const total = exp >= 0n ? mant2 << exp : mant2 >> -exp;
  return normalizeInt(r.n < 0n ? -total : total);
}

export const unitsBuiltins: readonly BuiltinDecl[] = [
  { name: 'units.parse', args: ['string'], result: 'number', impl: parseUnits },
  { name: 'units.parse_bytes', args: ['string'], result: 'number', impl: parseBytes },
];

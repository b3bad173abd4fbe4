// Builtins of the "semver" category. Versions follow SemVer 2.0.0 strictly (as the compliance
// suite's strict cases expect): an optional leading "v", major.minor.patch without leading zeros,
// then optional non-empty -pre-release and +build identifiers.
import type { Value } from '../value.js';
import { builtinError, type BuiltinDecl } from './types.js';
import { stringOperand } from './operands.js';
import { goQuote } from './go-text.js';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
}

const BUILD = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
/** Pre-release identifiers: alphanumeric, or numeric without a leading zero. */
const PRE_RELEASE = /^(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*$/;
const CORE_NUMBER = /^(0|[1-9]\d*)$/;

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** A major, minor or patch number: digits without a leading zero, within Go's int64. */
function parseCoreNumber(s: string): bigint | undefined {
  if (!CORE_NUMBER.test(s)) return undefined;
  const n = BigInt(s);
  return n < 2n ** 63n ? n : undefined;
}

function parse(version: string): Version | undefined {
  const text = version.startsWith('v') ? version.slice(1) : version;
  const [withPre, meta] = cut(text, '+');
  if (text.includes('+') && !BUILD.test(meta)) return undefined;
  const [core, pre] = cut(withPre, '-');
  if (withPre.includes('-') && !PRE_RELEASE.test(pre)) return undefined;
  const parts = core.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(parseCoreNumber);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre };
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);
const sign = (a: bigint | string, b: bigint | string): number => (a > b ? 1 : a < b ? -1 : 0);

function compare(a: Version, b: Version): number {
  const c = sign(a.major, b.major) || sign(a.minor, b.minor) || sign(a.patch, b.patch);
  if (c !== 0 || a.pre === b.pre) return c;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  const xs = a.pre.split('.');
  const ys = b.pre.split('.');
  for (let i = 0; ; i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : -1) : 1;
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    if (xn !== yn) return xn ? -1 : 1;
    const d = xn ? sign(BigInt(x), BigInt(y)) : sign(x, y);
    if (d !== 0) return d;
  }
}

function semverCompare(args: Value[]): Value {
  const name = 'semver.compare';
  const a = stringOperand(name, args[0], 1);
  const b = stringOperand(name, args[1], 2);
  const va = parse(a);
  if (!va) throw builtinError(name, `operand 1: string ${goQuote(a)} is not a valid SemVer`);
  const vb = parse(b);
  if (!vb) throw builtinError(name, `operand 2: string ${goQuote(b)} is not a valid SemVer`);
  return compare(va, vb);
}

export const semverBuiltins: readonly BuiltinDecl[] = [
  { name: 'semver.is_valid', args: ['any'], result: 'boolean', impl: (args) => typeof args[0] === 'string' && parse(args[0]) !== undefined },
  { name: 'semver.compare', args: ['string', 'string'], result: 'number', impl: semverCompare },
];

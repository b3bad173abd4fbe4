// Go's fmt.Sprintf, as OPA's sprintf exposes it: Rego numbers become Go int, *big.Int or float64,
// strings stay strings and every other value is passed as its Rego text (so `%d` of a boolean
// prints Go's `%!d(string=true)`). Verbs, flags, width, precision and the error forms follow Go.
import { isObject, objectEntries, RegoSet, type Value } from '../value.js';
import { goQuote } from './go-text.js';
import { scalarText } from './json-text.js';

type GoArg =
  | { kind: 'int'; v: bigint }
  | { kind: 'big'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** How OPA hands a Rego value to fmt.Sprintf. */
function toGoArg(v: Value): GoArg {
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? { kind: 'int', v } : { kind: 'big', v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { kind: 'int', v: BigInt(v) } : { kind: 'float', v };
  if (typeof v === 'string') return { kind: 'string', v };
  return { kind: 'string', v: termString(v) };
}

/** A value in Rego syntax, as OPA's Term.String() writes it. */
export function termString(v: Value): string {
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return '[' + v.map(termString).join(', ') + ']';
  if (v instanceof RegoSet) return v.size === 0 ? 'set()' : '{' + v.values().map(termString).join(', ') + '}';
  if (isObject(v)) return '{' + objectEntries(v).map(([k, x]) => termString(k) + ': ' + termString(x)).join(', ') + '}';
  return scalarText(v);
}

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function goTypeName(a: GoArg): string {
  return a.kind === 'big' ? '*big.Int' : a.kind === 'float' ? 'float64' : a.kind;
}

/** An argument index `[n]` at `i` (format[i] is '['): where the verb goes on, and the 0-based index when valid. */
function readArgIndex(format: string, i: number, nargs: number): { next: number; argNum?: number } {
  const close = format.indexOf(']', i);
  const text = close < 0 ? '' : format.slice(i + 1, close);
  if (close < 0 || !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > nargs) return { next: close < 0 ? format.length : close + 1 };
  return { next: close + 1, argNum: Number(text) - 1 };
}

/** The scan state of one goSprintf call (kept in an object so helpers need no per-call closure). */
interface Scan {
  format: string;
  nargs: number;
  i: number;
  argNum: number;
  goodArgNum: boolean;
  reordered: boolean;
}

/** Go's argNumber: an explicit `[n]` at the cursor moves the argument cursor (or marks the index bad). */
function argIndex(st: Scan): void {
  if (st.format[st.i] !== '[') return;
  st.reordered = true;
  const r = readArgIndex(st.format, st.i, st.nargs);
  st.i = r.next;
  if (r.argNum === undefined) st.goodArgNum = false;
  else st.argNum = r.argNum;
}

/** The end of the run of ASCII digits starting at `i`. */
function digitsEnd(format: string, i: number): number {
  let j = i;
  while (j < format.length && format.charCodeAt(j) >= 48 && format.charCodeAt(j) <= 57) j++;
  return j;
}

/** Formats with Go's fmt.Sprintf rules. */
/** Go's fmt.Sprintf; `charge` hears the size of each formatted value before it is appended. */
export function goSprintf(format: string, values: readonly Value[], charge: (n: number) => void = () => undefined): string {
  const args = values.map(toGoArg);
  let out = '';
  const n = format.length;
  const st: Scan = { format, nargs: args.length, i: 0, argNum: 0, goodArgNum: true, reordered: false };
  while (st.i < n) {
    const pct = format.indexOf('%', st.i);
    if (pct < 0) {
      out += format.slice(st.i);
      break;
    }
    out += format.slice(st.i, pct);
    st.i = pct + 1;
    const spec: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false };
    flags: for (; st.i < n; st.i++) {
      switch (format[st.i]) {
        case '#':
          spec.sharp = true;
          break;
        case '0':
          spec.zero = true;
          break;
        case '+':
          spec.plus = true;
          break;
        case '-':
          spec.minus = true;
          break;
        case ' ':
          spec.space = true;
          break;
        default:
          break flags;
      }
    }
    st.goodArgNum = true;
    argIndex(st);
    let badWidth = false;
    if (format[st.i] === '*') {
      st.i++;
      const w = intArg(args, st.argNum);
      st.argNum++;
      if (w === undefined) badWidth = true;
      else {
        spec.width = Math.abs(w);
        if (w < 0) spec.minus = true;
      }
      argIndex(st);
    } else {
      const end = digitsEnd(format, st.i);
      if (end > st.i) {
        spec.width = Number(format.slice(st.i, end));
        if (spec.width > 1e6) badWidth = true;
        st.i = end;
      }
    }
    let badPrec = false;
    if (format[st.i] === '.') {
      st.i++;
      argIndex(st);
      if (format[st.i] === '*') {
        st.i++;
        const p = intArg(args, st.argNum);
        st.argNum++;
        if (p === undefined || p < 0) badPrec = true;
        else spec.prec = p;
        argIndex(st);
      } else {
        const end = digitsEnd(format, st.i);
        spec.prec = end === st.i ? 0 : Number(format.slice(st.i, end));
        st.i = end;
      }
    }
    if (spec.minus) spec.zero = false;
    if (st.i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(st.i) as number);
    st.i += verb.length;
    if (badWidth) out += '%!(BADWIDTH)';
    if (badPrec) out += '%!(BADPREC)';
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!st.goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (st.argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const piece = formatArg(args[st.argNum], verb, spec);
    charge(piece.length);
    out += piece;
    st.argNum++;
  }
  if (!st.reordered && st.argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(st.argNum).map((a) => goTypeName(a) + '=' + formatArg(a, 'v', plainSpec())).join(', ') + ')';
  }
  return out;
}

function plainSpec(): Spec {
  return { plus: false, minus: false, sharp: false, space: false, zero: false };
}

function intArg(args: GoArg[], k: number): number | undefined {
  const a = args[k];
  if (!a || a.kind !== 'int' || a.v > 1000000n || a.v < -1000000n) return undefined;
  return Number(a.v);
}

function formatArg(a: GoArg, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(goTypeName(a), spec);
  switch (a.kind) {
    case 'int':
      return formatInt(a.v, verb, spec, false);
    case 'big':
      return formatInt(a.v, verb, spec, true);
    case 'float':
      return formatFloat(a.v, verb, spec);
    case 'string':
      return formatString(a.v, verb, spec);
  }
}

function badVerb(verb: string, a: GoArg): string {
  if (a.kind === 'big') return `%!${verb}(big.Int=${a.v.toString()})`;
  return `%!${verb}(${goTypeName(a)}=${formatArg(a, 'v', plainSpec())})`;
}

/** Pads to the width with spaces (or zeros when the 0 flag applies), left or right. */
function pad(s: string, spec: Spec, zeroOk = true): string {
  const width = spec.width ?? 0;
  if (width === 0) return s;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = (spec.zero && zeroOk && !spec.minus ? '0' : ' ').repeat(width - len);
  return spec.minus ? s + fill : fill + s;
}

function formatInt(v: bigint, verb: string, spec: Spec, big: boolean): string {
  let base: number;
  switch (verb) {
    case 'v':
    case 'd':
      base = 10;
      break;
    case 's':
      if (!big) return badVerb(verb, { kind: 'int', v });
      base = 10;
      break;
    case 'b':
      base = 2;
      break;
    case 'o':
    case 'O':
      base = 8;
      break;
    case 'x':
    case 'X':
      base = 16;
      break;
    case 'c':
    case 'q':
    case 'U':
      if (big) return badVerb(verb, { kind: 'big', v });
      return formatRune(v, verb, spec);
    default:
      return badVerb(verb, { kind: big ? 'big' : 'int', v });
  }
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = spec.prec;
  if (prec === undefined && spec.zero && spec.width !== undefined) {
    prec = spec.width;
    if (neg || spec.plus || spec.space) prec--;
  }
  if (spec.prec === 0 && v === 0n) digits = '';
  else if (prec !== undefined && digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  let prefix = '';
  if (spec.sharp) {
    if (verb === 'b') prefix = '0b';
    else if (verb === 'o' && digits[0] !== '0') prefix = '0';
    else if (verb === 'x') prefix = '0x';
    else if (verb === 'X') prefix = '0X';
  }
  if (verb === 'O') prefix = '0o';
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sign + prefix + digits, spec, false);
}

function formatRune(v: bigint, verb: string, spec: Spec): string {
  const cp = v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn) ? 0xfffd : Number(v);
  if (verb === 'c') return pad(String.fromCodePoint(cp), spec);
  if (verb === 'q') return pad(goQuote(String.fromCodePoint(cp), "'"), spec);
  let s = 'U+' + v.toString(16).toUpperCase().padStart(4, '0');
  if (spec.sharp && cp !== 0xfffd) s += " '" + String.fromCodePoint(cp) + "'";
  return pad(s, spec);
}

function formatString(s: string, verb: string, spec: Spec): string {
  const truncated = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
  switch (verb) {
    case 'v':
    case 's':
      return pad(truncated, spec);
    case 'q':
      if (spec.sharp && !/[`\p{Cc}\uFFFD]/u.test(truncated.replace(/\t/g, ''))) return pad('`' + truncated + '`', spec);
      return pad(goQuote(truncated, '"', spec.plus), spec);
    case 'x':
    case 'X': {
      const bytes = [...Buffer.from(truncated, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
      const hex = verb === 'X' ? bytes.map((b) => b.toUpperCase()) : bytes;
      const prefix = spec.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const out = spec.space ? hex.map((b) => prefix + b).join(' ') : prefix + hex.join('');
      return pad(out, spec);
    }
    default:
      return badVerb(verb, { kind: 'string', v: s });
  }
}

// ---- floats ---------------------------------------------------------------------------------

/** Decimal digits of |x| (no leading/trailing zeros) and the decimal point position. */
interface Digits {
  d: string;
  dp: number;
}

function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mant, exp] = Math.abs(x).toExponential().split('e');
  return { d: mant.replace('.', '').replace(/0+$/, ''), dp: Number(exp) + 1 };
}

/** The exact decimal expansion of |x|. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (rawExp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = rawExp - 1075;
  }
  let text: string;
  let dp: number;
  if (e2 >= 0) {
    text = (mant << BigInt(e2)).toString();
    dp = text.length;
  } else {
    text = (mant * 5n ** BigInt(-e2)).toString();
    dp = text.length + e2;
  }
  const stripped = text.replace(/^0+/, '');
  dp -= text.length - stripped.length;
  return { d: stripped.replace(/0+$/, ''), dp };
}

/** Rounds to nd significant digits, ties to even (the exact value decides, as in Go). */
function roundDigits(dg: Digits, nd: number): Digits {
  if (nd < 0 || dg.d.length <= nd) return dg;
  if (nd === 0 && dg.d.length === 0) return dg;
  const next = dg.d.charCodeAt(nd) - 48;
  const rest = dg.d.slice(nd + 1);
  let up = next > 5 || (next === 5 && rest.length > 0);
  if (next === 5 && rest.length === 0) up = nd > 0 && (dg.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  let head = dg.d.slice(0, nd);
  let dp = dg.dp;
  if (up) {
    const bumped = (BigInt(head || '0') + 1n).toString();
    if (head === '' || bumped.length > head.length) {
      dp++;
      head = bumped.slice(0, Math.max(nd, 1));
    } else head = bumped.padStart(head.length, '0');
  }
  return { d: head.replace(/0+$/, ''), dp };
}

function fmtE(dg: Digits, prec: number, upper: boolean): string {
  let s = dg.d.length > 0 ? dg.d[0] : '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += i < dg.d.length ? dg.d[i] : '0';
  }
  const exp = dg.d.length === 0 ? 0 : dg.dp - 1;
  const abs = Math.abs(exp);
  return s + (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' : '') + abs;
}

function fmtF(dg: Digits, prec: number): string {
  let s = '';
  if (dg.dp > 0) {
    for (let i = 0; i < dg.dp; i++) s += i < dg.d.length ? dg.d[i] : '0';
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = dg.dp + i - 1;
      s += j >= 0 && j < dg.d.length ? dg.d[j] : '0';
    }
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for |x|; prec -1 is the shortest representation. */
function formatAbsFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  const shortest = prec < 0;
  let dg: Digits;
  if (shortest) {
    dg = shortestDigits(x);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(dg.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(dg.d.length - dg.dp, 0);
    else prec = dg.d.length;
  } else {
    const exact = exactDigits(x);
    if (fmt === 'e' || fmt === 'E') dg = roundDigits(exact, prec + 1);
    else if (fmt === 'f') dg = roundDigits(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      dg = roundDigits(exact, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(dg, prec, fmt === 'E');
  if (fmt === 'f') return fmtF(dg, prec);
  let eprec = prec;
  if (eprec > dg.d.length && dg.d.length >= dg.dp) eprec = dg.d.length;
  if (shortest) eprec = 6;
  const exp = dg.dp - 1;
  if (dg.d.length > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > dg.d.length) prec = dg.d.length;
    return fmtE(dg, prec - 1, fmt === 'G');
  }
  if (prec > dg.dp) prec = dg.d.length;
  return fmtF(dg, Math.max(prec - dg.dp, 0));
}

function formatFloat(x: number, verb: string, spec: Spec): string {
  let body: string;
  switch (verb) {
    case 'v':
      body = formatAbsFloat(x, 'g', spec.prec ?? -1);
      break;
    case 'g':
    case 'G':
      body = formatAbsFloat(x, verb, spec.prec ?? -1);
      break;
    case 'e':
    case 'E':
      body = formatAbsFloat(x, verb, spec.prec ?? 6);
      break;
    case 'f':
    case 'F':
      body = formatAbsFloat(x, 'f', spec.prec ?? 6);
      break;
    default:
      return badVerb(verb, { kind: 'float', v: x });
  }
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const width = spec.width ?? 0;
  if (spec.zero && !spec.minus && sign.length + body.length < width) {
    return sign + '0'.repeat(width - sign.length - body.length) + body;
  }
  return pad(sign + body, spec, false);
}

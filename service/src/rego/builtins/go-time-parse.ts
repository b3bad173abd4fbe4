// Go's time.Parse and time.ParseDuration with their exact error messages, for OPA's time.* builtins.
import { AuthzServiceError } from '../../errors/index.js';
import type { Std } from './go-time.js';
import {
  LONG_DAY_NAMES,
  LONG_MONTH_NAMES,
  SHORT_DAY_NAMES,
  SHORT_MONTH_NAMES,
  daysFromCivil,
  daysIn,
  goQuote,
  isDigitAt,
  isLeap,
  nextStdChunk,
} from './go-time.js';

/** A failure of time.Parse or time.ParseDuration, with Go's message. */
export class GoTimeError extends AuthzServiceError<'ERR_GO_TIME'> {
  readonly code = 'ERR_GO_TIME';
}

class Bad extends AuthzServiceError<'ERR_GO_TIME'> {
  readonly code = 'ERR_GO_TIME';
}

/** Go's time.atoi: optional sign, then decimal digits only. */
function atoi(s: string): number {
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) throw new Bad();
  const n = Number(m[2]);
  return m[1] === '-' ? -n : n;
}

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Bad();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [n, s.slice(i)];
}

function lookupName(table: string[], value: string): [number, string] {
  for (let i = 0; i < table.length; i++) {
    const v = table[i];
    if (value.length >= v.length && value.slice(0, v.length).toLowerCase() === v.toLowerCase()) return [i, value.slice(v.length)];
  }
  throw new Bad();
}

/** Go's parseNanoseconds: `value` starts with the separator; returns [nsec, rangeError]. */
function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad();
  const n = Math.min(nbytes, 10);
  const ns = atoi(value.slice(1, n));
  if (ns < 0) return [0, 'fractional second'];
  return [ns * 10 ** (10 - n), ''];
}

/** Go's skip: literal layout text, where a space matches any run of spaces. */
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw new Bad();
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const m = /^\d+/.exec(value.slice(1));
  if (!m || Number(m[0]) > 12) return 0;
  return 1 + m[0].length;
}

/** Go's parseTimeZone: length of a zone abbreviation at the start of `value`, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let upper = 0;
  while (upper < 6 && upper < value.length && value[upper] >= 'A' && value[upper] <= 'Z') upper++;
  if (upper === 3) return 3;
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (upper === 5 && value[4] === 'T') return 5;
  return 0;
}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message = ''): GoTimeError {
  if (message !== '') return new GoTimeError(`parsing time ${goQuote(value)}${message}`);
  return new GoTimeError(
    `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`,
  );
}

/** A parsed instant: whole seconds since the epoch (may exceed the ns range) and nanoseconds. */
export interface Instant {
  unixSec: number;
  nsec: number;
}

/** Go's time.Parse with UTC as default and local zone: a zone abbreviation leaves the wall time as UTC. */
export function parseTime(layoutIn: string, valueIn: string): Instant {
  let layout = layoutIn;
  let value = valueIn;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let zoneOffset: number | undefined;
  let isUtc = false;
  for (;;) {
    const chunk = nextStdChunk(layout);
    try {
      value = skip(value, chunk.prefix);
    } catch {
      throw parseError(layoutIn, valueIn, chunk.prefix, value);
    }
    if (!chunk.std) {
      if (value.length !== 0) throw parseError(layoutIn, valueIn, '', value, `: extra text: ${goQuote(value)}`);
      break;
    }
    layout = chunk.suffix;
    const hold = value;
    try {
      switch (chunk.std) {
        case 'Year': {
          if (value.length < 2) throw new Bad();
          year = atoi(value.slice(0, 2));
          value = value.slice(2);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case 'LongYear':
          if (value.length < 4 || !isDigitAt(value, 0)) throw new Bad();
          year = atoi(value.slice(0, 4));
          value = value.slice(4);
          break;
        case 'Month':
          [month, value] = lookupName(SHORT_MONTH_NAMES, value);
          month++;
          break;
        case 'LongMonth':
          [month, value] = lookupName(LONG_MONTH_NAMES, value);
          month++;
          break;
        case 'NumMonth':
        case 'ZeroMonth':
          [month, value] = getnum(value, chunk.std === 'ZeroMonth');
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case 'WeekDay':
          [, value] = lookupName(SHORT_DAY_NAMES, value);
          break;
        case 'LongWeekDay':
          [, value] = lookupName(LONG_DAY_NAMES, value);
          break;
        case 'Day':
        case 'UnderDay':
        case 'ZeroDay':
          if (chunk.std === 'UnderDay' && value[0] === ' ') value = value.slice(1);
          [day, value] = getnum(value, chunk.std === 'ZeroDay');
          break;
        case 'UnderYearDay':
        case 'ZeroYearDay':
          for (let i = 0; i < 2; i++) if (chunk.std === 'UnderYearDay' && value[0] === ' ') value = value.slice(1);
          [yday, value] = getnum3(value, chunk.std === 'ZeroYearDay');
          break;
        case 'Hour':
          [hour, value] = getnum(value, false);
          if (hour >= 24) rangeErr = 'hour';
          break;
        case 'Hour12':
        case 'ZeroHour12':
          [hour, value] = getnum(value, chunk.std === 'ZeroHour12');
          if (hour > 12) rangeErr = 'hour';
          break;
        case 'Minute':
        case 'ZeroMinute':
          [min, value] = getnum(value, chunk.std === 'ZeroMinute');
          if (min >= 60) rangeErr = 'minute';
          break;
        case 'Second':
        case 'ZeroSecond': {
          [sec, value] = getnum(value, chunk.std === 'ZeroSecond');
          if (sec >= 60) {
            rangeErr = 'second';
            break;
          }
          // A fraction in the value but none in the layout is still read.
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
            const next = nextStdChunk(layout).std;
            if (next === 'FracSecond0' || next === 'FracSecond9') break;
            let n = 2;
            while (isDigitAt(value, n)) n++;
            [nsec, rangeErr] = parseNanoseconds(value, n);
            value = value.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          value = value.slice(2);
          const [pmText, amText] = chunk.std === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
          if (p === pmText) pmSet = true;
          else if (p === amText) amSet = true;
          else throw new Bad();
          break;
        }
        case 'TZ': {
          if (value.startsWith('UTC')) {
            isUtc = true;
            value = value.slice(3);
            break;
          }
          // A zone name only labels the result (Go's fake FixedZone); it never shifts the instant.
          const n = parseTimeZone(value);
          if (n === 0) throw new Bad();
          value = value.slice(n);
          break;
        }
        case 'FracSecond0': {
          const ndigit = 1 + chunk.digits;
          if (value.length < ndigit) throw new Bad();
          [nsec, rangeErr] = parseNanoseconds(value, ndigit);
          value = value.slice(ndigit);
          break;
        }
        case 'FracSecond9': {
          if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
          let i = 0;
          while (isDigitAt(value, i + 1)) i++;
          [nsec, rangeErr] = parseNanoseconds(value, 1 + i);
          value = value.slice(1 + i);
          break;
        }
        default: {
          if (chunk.std.startsWith('ISO8601') && value[0] === 'Z') {
            isUtc = true;
            value = value.slice(1);
            break;
          }
          const parsed = parseOffset(chunk.std, value);
          if (parsed.rangeErr !== '') rangeErr = parsed.rangeErr;
          zoneOffset = parsed.offset;
          value = parsed.rest;
        }
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      if (rangeErr !== '') throw parseError(layoutIn, valueIn, chunk.stdText, value, `: ${rangeErr} out of range`);
      throw parseError(layoutIn, valueIn, chunk.stdText, hold);
    }
    if (rangeErr !== '') throw parseError(layoutIn, valueIn, chunk.stdText, value, `: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        yday--;
      }
    }
    if (yday < 1 || yday > 365) throw parseError(layoutIn, valueIn, '', value, ': day-of-year out of range');
    if (m === 0) {
      const before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
      m = Math.floor((yday - 1) / 31) + 1;
      if (before[m] < yday) m++;
      d = yday - before[m - 1];
    }
    if (month >= 0 && month !== m) throw parseError(layoutIn, valueIn, '', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError(layoutIn, valueIn, '', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(layoutIn, valueIn, '', value, ': day out of range');
  const unixSec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - (isUtc ? 0 : (zoneOffset ?? 0));
  return { unixSec, nsec };
}

function parseOffset(std: Std, value: string): { offset: number; rest: string; rangeErr: string } {
  let hh: string;
  let mm = '00';
  let ss = '00';
  let rest: string;
  if (std === 'ISO8601ColonTZ' || std === 'NumColonTZ') {
    if (value.length < 6 || value[3] !== ':') throw new Bad();
    [hh, mm, rest] = [value.slice(1, 3), value.slice(4, 6), value.slice(6)];
  } else if (std === 'NumShortTZ' || std === 'ISO8601ShortTZ') {
    if (value.length < 3) throw new Bad();
    [hh, rest] = [value.slice(1, 3), value.slice(3)];
  } else if (std === 'ISO8601ColonSecondsTZ' || std === 'NumColonSecondsTZ') {
    if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw new Bad();
    [hh, mm, ss, rest] = [value.slice(1, 3), value.slice(4, 6), value.slice(7, 9), value.slice(9)];
  } else if (std === 'ISO8601SecondsTZ' || std === 'NumSecondsTz') {
    if (value.length < 7) throw new Bad();
    [hh, mm, ss, rest] = [value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7)];
  } else {
    if (value.length < 5) throw new Bad();
    [hh, mm, rest] = [value.slice(1, 3), value.slice(3, 5), value.slice(5)];
  }
  const [h] = getnum(hh, true);
  const [m] = getnum(mm, true);
  const [s] = getnum(ss, true);
  let rangeErr = '';
  // Go compares with > rather than >=: offsets of 24 hours or 60 minutes do occur in the wild.
  if (h > 24) rangeErr = 'time zone offset hour';
  if (m > 60) rangeErr = 'time zone offset minute';
  if (s > 60) rangeErr = 'time zone offset second';
  let offset = (h * 60 + m) * 60 + s;
  if (value[0] === '-') offset = -offset;
  else if (value[0] !== '+') throw new Bad();
  return { offset, rest, rangeErr };
}

// ---- durations ----------------------------------------------------------------------------------

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};
const MAX_U63 = 1n << 63n;

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(orig: string): bigint {
  const invalid = (): GoTimeError => new GoTimeError(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigitAt(s, 0))) throw invalid();
    const intPart = /^\d*/.exec(s)![0];
    let v = 0n;
    for (const ch of intPart) {
      if (v > MAX_U63 / 10n) throw invalid();
      v = v * 10n + BigInt(ch);
      if (v > MAX_U63) throw invalid();
    }
    s = s.slice(intPart.length);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      const frac = /^\d*/.exec(s)![0];
      post = frac.length > 0;
      let overflow = false;
      for (const ch of frac) {
        if (overflow) continue;
        if (f > (MAX_U63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(ch);
        if (y > MAX_U63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      s = s.slice(frac.length);
    }
    if (intPart.length === 0 && !post) throw invalid();
    const unitText = /^[^.0-9]*/.exec(s)![0];
    if (unitText === '') throw new GoTimeError(`time: missing unit in duration ${goQuote(orig)}`);
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) throw new GoTimeError(`time: unknown unit ${goQuote(unitText)} in duration ${goQuote(orig)}`);
    if (v > MAX_U63 / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // Go computes the fraction in float64 and truncates.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_U63) throw invalid();
    }
    total += v;
    if (total > MAX_U63) throw invalid();
  }
  if (neg) return -total;
  if (total > MAX_U63 - 1n) throw invalid();
  return total;
}

// Go's time package as OPA's time.* builtins expose it: the proleptic Gregorian calendar, layout
// elements ("2006-01-02T15:04:05Z07:00") and Time.Format. Parsing lives in go-time-parse.ts.
import type { Zone } from './time-zone.js';

export const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const SHORT_DAY_NAMES = LONG_DAY_NAMES.map((d) => d.slice(0, 3));
export const LONG_MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
export const SHORT_MONTH_NAMES = LONG_MONTH_NAMES.map((m) => m.slice(0, 3));

/** Go's named layouts that OPA accepts in place of a layout string. */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

// ---- calendar ---------------------------------------------------------------------------------

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Broken-down wall-clock time of an instant in a zone, what Go's Date/Clock/Weekday/YearDay return. */
export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nsec: number;
  weekday: number;
  yday: number;
  offset: number;
  abbrev: string;
}

export function toCivil(unixSec: number, nsec: number, zone: Zone): Civil {
  const { offset, abbrev } = zone.lookup(unixSec);
  const local = unixSec + offset;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nsec,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    offset,
    abbrev,
  };
}

// ---- quoting (Go's time.quote) ------------------------------------------------------------------

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x80 || code < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      out += ch === '"' || ch === '\\' ? '\\' + ch : ch;
    }
  }
  return out + '"';
}

// ---- layout elements (Go's nextStdChunk) ----------------------------------------------------------

export type Std =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth'
  | 'LongWeekDay' | 'WeekDay'
  | 'Day' | 'UnderDay' | 'ZeroDay' | 'UnderYearDay' | 'ZeroYearDay'
  | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second' | 'ZeroSecond'
  | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ' | 'NumColonSecondsTZ'
  | 'FracSecond0' | 'FracSecond9';

export interface Chunk {
  prefix: string;
  std?: Std;
  /** The layout text of the element itself. */
  stdText: string;
  suffix: string;
  /** Digits of a fractional-second element. */
  digits: number;
  /** Separator ('.' or ',') of a fractional-second element. */
  separator: string;
}

const ZERO_X: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
const TZ_FORMS: [string, Std][] = [
  ['-070000', 'NumSecondsTz'], ['-07:00:00', 'NumColonSecondsTZ'], ['-0700', 'NumTZ'], ['-07:00', 'NumColonTZ'], ['-07', 'NumShortTZ'],
  ['Z070000', 'ISO8601SecondsTZ'], ['Z07:00:00', 'ISO8601ColonSecondsTZ'], ['Z0700', 'ISO8601TZ'], ['Z07:00', 'ISO8601ColonTZ'], ['Z07', 'ISO8601ShortTZ'],
];

export const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i] >= '0' && s[i] <= '9';
const startsWithLower = (s: string): boolean => s.length > 0 && s[0] >= 'a' && s[0] <= 'z';

function found(layout: string, i: number, std: Std, len: number, digits = 0, separator = '.'): Chunk {
  return { prefix: layout.slice(0, i), std, stdText: layout.slice(i, i + len), suffix: layout.slice(i + len), digits, separator };
}

/** Chunks by layout text: layouts are few (mostly constants), and scanning one allocates a lot. */
const chunks = new Map<string, Chunk>();
const MAX_CHUNKS = 256;

/** Go's nextStdChunk: the first layout element of `layout`, with the text around it. Chunks are shared: never mutate one. */
export function nextStdChunk(layout: string): Chunk {
  let c = chunks.get(layout);
  if (c === undefined) {
    if (chunks.size >= MAX_CHUNKS) chunks.clear();
    c = scanStdChunk(layout);
    chunks.set(layout, c);
  }
  return c;
}

function scanStdChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const rest = layout.slice(i);
    switch (c) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return found(layout, i, 'LongMonth', 7);
          if (!startsWithLower(rest.slice(3))) return found(layout, i, 'Month', 3);
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return found(layout, i, 'LongWeekDay', 6);
          if (!startsWithLower(rest.slice(3))) return found(layout, i, 'WeekDay', 3);
        }
        if (rest.startsWith('MST')) return found(layout, i, 'TZ', 3);
        break;
      case '0':
        if (rest.length >= 2 && rest[1] >= '1' && rest[1] <= '6') return found(layout, i, ZERO_X[rest.charCodeAt(1) - 49], 2);
        if (rest.startsWith('002')) return found(layout, i, 'ZeroYearDay', 3);
        break;
      case '1':
        if (rest.startsWith('15')) return found(layout, i, 'Hour', 2);
        return found(layout, i, 'NumMonth', 1);
      case '2':
        if (rest.startsWith('2006')) return found(layout, i, 'LongYear', 4);
        return found(layout, i, 'Day', 1);
      case '_':
        if (rest.length >= 2 && rest[1] === '2') {
          // "_2006" is a literal underscore followed by the long year.
          if (rest.startsWith('_2006')) return found(layout, i + 1, 'LongYear', 4);
          return found(layout, i, 'UnderDay', 2);
        }
        if (rest.startsWith('__2')) return found(layout, i, 'UnderYearDay', 3);
        break;
      case '3':
        return found(layout, i, 'Hour12', 1);
      case '4':
        return found(layout, i, 'Minute', 1);
      case '5':
        return found(layout, i, 'Second', 1);
      case 'P':
        if (rest.startsWith('PM')) return found(layout, i, 'PM', 2);
        break;
      case 'p':
        if (rest.startsWith('pm')) return found(layout, i, 'pm', 2);
        break;
      case '-':
      case 'Z':
        for (const [text, std] of TZ_FORMS) if (rest.startsWith(text)) return found(layout, i, std, text.length);
        break;
      case '.':
      case ',':
        if (rest.length > 1 && (rest[1] === '0' || rest[1] === '9')) {
          let j = 1;
          while (j < rest.length && rest[j] === rest[1]) j++;
          // Only a fractional second when the run of digits ends here.
          if (!isDigitAt(rest, j)) return found(layout, i, rest[1] === '0' ? 'FracSecond0' : 'FracSecond9', j, j - 1, c);
        }
        break;
    }
  }
  return { prefix: layout, stdText: '', suffix: '', digits: 0, separator: '.' };
}

// ---- formatting ---------------------------------------------------------------------------------

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

function formatOffset(std: Std, offset: number): string {
  if (offset === 0 && std.startsWith('ISO8601')) return 'Z';
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let out = '+';
  if (zone < 0) {
    out = '-';
    zone = -zone;
    abs = -abs;
  }
  const colon = std.includes('Colon');
  out += pad(Math.floor(zone / 60), 2);
  if (colon) out += ':';
  if (std !== 'NumShortTZ' && std !== 'ISO8601ShortTZ') out += pad(zone % 60, 2);
  if (std.includes('Seconds') || std === 'NumSecondsTz') {
    if (colon) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

function formatFraction(chunk: Chunk, nsec: number): string {
  const trim = chunk.std === 'FracSecond9';
  if (trim && (chunk.digits === 0 || nsec === 0)) return '';
  let digits = pad(nsec, 9);
  if (chunk.digits < 9) digits = digits.slice(0, chunk.digits);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : chunk.separator + digits;
}

/** Go's Time.Format. */
export function formatTime(t: Civil, layout: string): string {
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const chunk = nextStdChunk(rest);
    out += chunk.prefix;
    if (!chunk.std) break;
    rest = chunk.suffix;
    const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
    switch (chunk.std) {
      case 'Year': out += pad(t.year % 100, 2); break;
      case 'LongYear': out += pad(t.year, 4); break;
      case 'Month': out += SHORT_MONTH_NAMES[t.month - 1]; break;
      case 'LongMonth': out += LONG_MONTH_NAMES[t.month - 1]; break;
      case 'NumMonth': out += String(t.month); break;
      case 'ZeroMonth': out += pad(t.month, 2); break;
      case 'WeekDay': out += SHORT_DAY_NAMES[t.weekday]; break;
      case 'LongWeekDay': out += LONG_DAY_NAMES[t.weekday]; break;
      case 'Day': out += String(t.day); break;
      case 'UnderDay': out += (t.day < 10 ? ' ' : '') + String(t.day); break;
      case 'ZeroDay': out += pad(t.day, 2); break;
      case 'UnderYearDay': out += String(t.yday).padStart(3, ' '); break;
      case 'ZeroYearDay': out += pad(t.yday, 3); break;
      case 'Hour': out += pad(t.hour, 2); break;
      case 'Hour12': out += String(hour12); break;
      case 'ZeroHour12': out += pad(hour12, 2); break;
      case 'Minute': out += String(t.minute); break;
      case 'ZeroMinute': out += pad(t.minute, 2); break;
      case 'Second': out += String(t.second); break;
      case 'ZeroSecond': out += pad(t.second, 2); break;
      case 'PM': out += t.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += t.hour >= 12 ? 'pm' : 'am'; break;
      case 'TZ': out += t.abbrev !== '' ? t.abbrev : formatOffset('NumTZ', t.offset); break;
      case 'FracSecond0':
      case 'FracSecond9': out += formatFraction(chunk, t.nsec); break;
      default: out += formatOffset(chunk.std, t.offset);
    }
  }
  return out;
}

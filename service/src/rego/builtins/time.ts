// Builtins of the "time" category: nanosecond timestamps (bigints beyond 2^53), Go layouts and IANA zones.
import type { RegoNumber, Value } from '../value.js';
import { isArray, isInteger, isNumber, normalizeInt, toBigInt } from '../value.js';
import type { BuiltinDecl, TypeSpec } from './types.js';
import { BuiltinError, builtinError, operandError } from './types.js';
import type { Civil } from './go-time.js';
import { LONG_DAY_NAMES, NAMED_LAYOUTS, daysFromCivil, formatTime, toCivil } from './go-time.js';
import { GoTimeError, parseDuration, parseTime } from './go-time-parse.js';
import type { Zone } from './time-zone.js';
import { UTC, loadZone } from './time-zone.js';

const NS_PER_SEC = 1000000000n;
const MIN_NS = -(1n << 63n);
const MAX_NS = (1n << 63n) - 1n;
const TZ_TIME_EXPECTED = 'either number (ns) or [number (ns), string (tz)]';

/** A timestamp argument resolved as OPA's tzTime does it. */
interface ZonedTime {
  ns: bigint;
  zone: Zone;
  layout: string;
}

/** OPA converts the number to an exact int64; fractions and out-of-range values are "timestamp too big". */
function exactInt64(name: string, n: RegoNumber): bigint {
  if (!isInteger(n) || (typeof n === 'number' && !Number.isFinite(n))) throw builtinError(name, 'timestamp too big');
  const big = toBigInt(n);
  if (big < MIN_NS || big > MAX_NS) throw builtinError(name, 'timestamp too big');
  return big;
}

function zonedTime(name: string, v: Value): ZonedTime {
  let layout = '';
  let zone = UTC;
  let n: Value;
  if (isArray(v)) {
    if (v.length === 0) throw operandError(name, 1, TZ_TIME_EXPECTED, v);
    n = v[0];
    if (!isNumber(n)) throw operandError(name, 1, 'number', n);
    if (v.length > 1) {
      const tz = v[1];
      if (typeof tz !== 'string') throw operandError(name, 1, 'string', tz);
      const loaded = loadZone(tz);
      if (!loaded) throw builtinError(name, `unknown time zone ${tz}`);
      zone = loaded;
    }
    if (v.length > 2) {
      const l = v[2];
      if (typeof l !== 'string') throw operandError(name, 1, 'string', l);
      layout = l;
    }
  } else if (isNumber(v)) {
    n = v;
  } else {
    throw operandError(name, 1, TZ_TIME_EXPECTED, v);
  }
  return { ns: exactInt64(name, n), zone, layout };
}

function splitNs(ns: bigint): { unixSec: number; nsec: number } {
  let sec = ns / NS_PER_SEC;
  let nsec = ns % NS_PER_SEC;
  if (nsec < 0n) {
    nsec += NS_PER_SEC;
    sec -= 1n;
  }
  return { unixSec: Number(sec), nsec: Number(nsec) };
}

function civilOf(t: ZonedTime): Civil {
  const { unixSec, nsec } = splitNs(t.ns);
  return toCivil(unixSec, nsec, t.zone);
}

/** OPA's toSafeUnixNano: results outside int64 nanoseconds are an error. */
function safeUnixNano(name: string, unixSec: bigint, nsec: number): RegoNumber {
  const ns = unixSec * NS_PER_SEC + BigInt(nsec);
  if (ns < MIN_NS || ns > MAX_NS) throw builtinError(name, 'time outside of valid range');
  return normalizeInt(ns);
}

function stringArg(name: string, v: Value, position: number): string {
  if (typeof v !== 'string') throw operandError(name, position, 'string', v);
  return v;
}

/** OPA's IntOperand: a number with no fraction. */
function intArg(name: string, v: Value, position: number): bigint {
  if (!isNumber(v)) throw operandError(name, position, 'number', v);
  if (!isInteger(v)) {
    throw new BuiltinError('eval_type_error', `${name}: operand ${position} must be integer number but got floating-point number`);
  }
  return toBigInt(v);
}

function goCall<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GoTimeError) throw builtinError(name, e.message);
    throw e;
  }
}

function parseWith(name: string, layout: string, value: string): RegoNumber {
  const t = goCall(name, () => parseTime(layout, value));
  return safeUnixNano(name, BigInt(t.unixSec), t.nsec);
}

/** Go's AddDate in UTC: Date() normalises month and day overflow. */
function addDate(name: string, ns: bigint, years: bigint, months: bigint, days: bigint): RegoNumber {
  const { unixSec, nsec } = splitNs(ns);
  const c = toCivil(unixSec, nsec, UTC);
  const monthIndex = BigInt(c.month - 1) + months;
  let year = BigInt(c.year) + years + monthIndex / 12n;
  let month = monthIndex % 12n;
  if (month < 0n) {
    month += 12n;
    year -= 1n;
  }
  // Far outside the int64 range the calendar arithmetic below would lose precision; the answer is known.
  if (year > 1000000n || year < -1000000n) throw builtinError(name, 'time outside of valid range');
  const dayNumber = BigInt(daysFromCivil(Number(year), Number(month) + 1, 1)) + BigInt(c.day - 1) + days;
  const secs = dayNumber * 86400n + BigInt(c.hour * 3600 + c.minute * 60 + c.second);
  return safeUnixNano(name, secs, nsec);
}

/** time.diff as OPA computes it (icza's algorithm), in the first argument's zone. */
function diff(a: ZonedTime, b: ZonedTime): number[] {
  let t1 = a;
  let t2: ZonedTime = { ...b, zone: a.zone };
  if (t1.ns > t2.ns) [t1, t2] = [t2, t1];
  const c1 = civilOf(t1);
  const c2 = civilOf(t2);
  let year = c2.year - c1.year;
  let month = c2.month - c1.month;
  let day = c2.day - c1.day;
  let hour = c2.hour - c1.hour;
  let min = c2.minute - c1.minute;
  let sec = c2.second - c1.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    // Days in c1's month: Go normalises day 32 of that month and subtracts.
    const start = daysFromCivil(c1.year, c1.month, 1);
    const next = c1.month === 12 ? daysFromCivil(c1.year + 1, 1, 1) : daysFromCivil(c1.year, c1.month + 1, 1);
    day += next - start;
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, min, sec];
}

const TZ_TIME: TypeSpec = { oneOf: ['number', { array: { oneOf: ['number', 'string'] } }] };

export const timeBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'time.now_ns',
    args: [],
    result: 'number',
    nondeterministic: true,
    impl: (_args, ctx) => normalizeInt(ctx.nowNs),
  },
  {
    name: 'time.parse_ns',
    args: ['string', 'string'],
    result: 'number',
    impl: ([layout, value]) => {
      const name = 'time.parse_ns';
      const l = stringArg(name, layout, 1);
      const v = stringArg(name, value, 2);
      return parseWith(name, NAMED_LAYOUTS[l] ?? l, v);
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    args: ['string'],
    result: 'number',
    impl: ([value]) => {
      const name = 'time.parse_rfc3339_ns';
      return parseWith(name, NAMED_LAYOUTS.RFC3339, stringArg(name, value, 1));
    },
  },
  {
    name: 'time.parse_duration_ns',
    args: ['string'],
    result: 'number',
    impl: ([value]) => {
      const name = 'time.parse_duration_ns';
      return normalizeInt(goCall(name, () => parseDuration(stringArg(name, value, 1))));
    },
  },
  {
    name: 'time.format',
    args: [{ oneOf: ['number', { array: { oneOf: ['number', 'string'] } }] }],
    result: 'string',
    impl: ([x]) => {
      const t = zonedTime('time.format', x);
      const layout = t.layout === '' ? NAMED_LAYOUTS.RFC3339Nano : (NAMED_LAYOUTS[t.layout] ?? t.layout);
      return formatTime(civilOf(t), layout);
    },
  },
  {
    name: 'time.date',
    args: [TZ_TIME],
    result: { array: 'number' },
    impl: ([x]) => {
      const c = civilOf(zonedTime('time.date', x));
      return [c.year, c.month, c.day];
    },
  },
  {
    name: 'time.clock',
    args: [TZ_TIME],
    result: { array: 'number' },
    impl: ([x]) => {
      const c = civilOf(zonedTime('time.clock', x));
      return [c.hour, c.minute, c.second];
    },
  },
  {
    name: 'time.weekday',
    args: [TZ_TIME],
    result: 'string',
    impl: ([x]) => LONG_DAY_NAMES[civilOf(zonedTime('time.weekday', x)).weekday],
  },
  {
    name: 'time.add_date',
    args: ['number', 'number', 'number', 'number'],
    result: 'number',
    impl: ([ns, years, months, days]) => {
      const name = 'time.add_date';
      const t = zonedTime(name, ns);
      return addDate(name, t.ns, intArg(name, years, 2), intArg(name, months, 3), intArg(name, days, 4));
    },
  },
  {
    name: 'time.diff',
    args: [TZ_TIME, TZ_TIME],
    result: { array: 'number' },
    impl: ([a, b]) => diff(zonedTime('time.diff', a), zonedTime('time.diff', b)),
  },
];

// Rego values: JSON-compatible JS values plus sets, objects with non-string keys and big integers.
// Plain JS objects stand for string-keyed objects so that JSON input is used as-is, without copying.

/**
 * Integers outside the safe range are bigints; every other number is a JS number, except the rare
 * literal no double denotes: a RegoDecimal, statically typed as a number (see parseNumber).
 */
export type RegoNumber = number | bigint;

/** A string-keyed Rego object: a plain JS object (prototype Object or null). */
export interface PlainObject {
  [key: string]: Value;
}

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Value[]
  | PlainObject
  | RegoObject
  | RegoSet;

/** Map key of a value: primitives stand for themselves, composites get a canonical string. */
type MapKey = null | boolean | number | bigint | string;

const COMPOSITE = '\u0000';

function mapKey(v: Value): MapKey {
  if (v === null || typeof v !== 'object') return v;
  // Composite keys are prefixed with NUL; a string key that itself starts with NUL is escaped the same way.
  return COMPOSITE + canonicalJson(v);
}

function primitiveKey(v: Value): MapKey {
  if (typeof v === 'string' && v.startsWith(COMPOSITE)) return COMPOSITE + COMPOSITE + v;
  return mapKey(v);
}

/** Sets of up to this many scalars keep their elements in a sorted array, without a hash table. */
const SMALL_SET = 8;

/** Scalars whose equality is `===` and agrees with compareValues (not bigints: 2n**60n !== 2**60; not NaN). */
function isSmallScalar(v: Value): boolean {
  return typeof v === 'string' || (typeof v === 'number' && v === v) || typeof v === 'boolean' || v === null;
}

/** A set of Rego values with value (not identity) semantics. Iteration is in Rego's sort order. */
export class RegoSet {
  /**
   * A small set of scalars: its elements in order in the first `n` slots (capacity doubles from
   * two). Most sets a policy builds are such (scopes, roles, denials): a Map costs far more.
   */
  private small: Value[] | undefined;
  private n = 0;
  /** Every other set: elements by map key (the small array is then undefined). */
  private items: Map<MapKey, Value> | undefined;
  /** The elements in order, once asked for; callers share it, so it is never changed after. */
  private sorted: Value[] | undefined;

  constructor(values?: Iterable<Value>) {
    if (values) for (const v of values) this.add(v);
  }

  get size(): number {
    return this.items === undefined ? this.n : this.items.size;
  }

  add(v: Value): void {
    if (this.items === undefined) {
      if (isSmallScalar(v) && this.addSmall(v)) return;
      this.toMap();
    }
    const k = primitiveKey(v);
    if (!this.items!.has(k)) {
      this.items!.set(k, v);
      this.sorted = undefined;
    }
  }

  /** Inserts in order; false when the set must become a Map first (it is full). */
  private addSmall(v: Value): boolean {
    const xs = this.small;
    const n = this.n;
    if (xs === undefined) {
      const first: Value[] = new Array(2);
      first[0] = v;
      this.small = first;
      this.n = 1;
      this.sorted = undefined;
      return true;
    }
    let i = 0;
    for (; i < n; i++) {
      const c = compareValues(xs[i], v);
      if (c === 0) return true;
      if (c > 0) break;
    }
    if (n === SMALL_SET) return false;
    // A full array, or one handed out by values(), is copied (and grown) rather than changed.
    let target = xs;
    if (n === xs.length || xs === this.sorted) {
      target = new Array(Math.max(2, n * 2));
      for (let j = 0; j < i; j++) target[j] = xs[j];
    }
    for (let j = n; j > i; j--) target[j] = xs[j - 1];
    target[i] = v;
    this.small = target;
    this.n = n + 1;
    this.sorted = undefined;
    return true;
  }

  private toMap(): void {
    const items = new Map<MapKey, Value>();
    for (let i = 0; i < this.n; i++) items.set(primitiveKey(this.small![i]), this.small![i]);
    this.items = items;
    this.small = undefined;
    this.n = 0;
  }

  has(v: Value): boolean {
    if (this.items !== undefined) return this.items.has(primitiveKey(v));
    const xs = this.small;
    if (xs === undefined || !isSmallScalar(v)) return false;
    for (let i = 0; i < this.n; i++) if (xs[i] === v) return true;
    return false;
  }

  /** Elements in Rego's total order (how OPA iterates and serializes sets). */
  values(): Value[] {
    if (this.sorted) return this.sorted;
    if (this.items === undefined) {
      const xs = this.small;
      if (xs === undefined) return (this.sorted = []);
      // Already in order: drop the spare capacity in place and share the array.
      xs.length = this.n;
      return (this.sorted = xs);
    }
    const out: Value[] = new Array(this.items.size);
    let i = 0;
    for (const v of this.items.values()) out[i++] = v;
    this.sorted = sortValues(out);
    return this.sorted;
  }

  [Symbol.iterator](): Iterator<Value> {
    return this.values()[Symbol.iterator]();
  }
}

/**
 * A number literal no double denotes (more digits than a double holds, or beyond its exponent
 * range): digits × 10^exp exactly. Comparisons are exact; arithmetic builtins use the nearest double.
 */
export class RegoDecimal {
  readonly #digits: bigint;
  readonly #exp: number;

  constructor(digits: bigint, exp: number) {
    this.#digits = digits;
    this.#exp = exp;
  }

  /** Methods, not getters: a property read on a non-object value must find nothing (see lookupString). */
  parts(): { digits: bigint; exp: number } {
    return { digits: this.#digits, exp: this.#exp };
  }

  toNumber(): number {
    return Number(formatNumber(this));
  }

  valueOf(): number {
    return this.toNumber();
  }
}

/** An object with at least one non-string key. String-keyed objects are plain JS objects. */
export class RegoObject {
  private readonly items = new Map<MapKey, [Value, Value]>();
  private sorted: [Value, Value][] | undefined;

  constructor(entries?: Iterable<[Value, Value]>) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.items.size;
  }

  set(k: Value, v: Value): void {
    this.items.set(primitiveKey(k), [k, v]);
    this.sorted = undefined;
  }

  get(k: Value): Value | undefined {
    return this.items.get(primitiveKey(k))?.[1];
  }

  has(k: Value): boolean {
    return this.items.has(primitiveKey(k));
  }

  delete(k: Value): void {
    this.items.delete(primitiveKey(k));
    this.sorted = undefined;
  }

  /** Entries sorted by key in Rego's total order. */
  entries(): [Value, Value][] {
    if (!this.sorted) this.sorted = [...this.items.values()].sort((a, b) => compareValues(a[0], b[0]));
    return this.sorted;
  }
}

// ---- type guards ----------------------------------------------------------------------------

export function isNumber(v: Value | undefined): v is RegoNumber {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof RegoDecimal;
}

/** A number operand as arithmetic builtins take it: exact decimals become their nearest double. */
export function toArithmetic(n: RegoNumber): RegoNumber {
  return (n as unknown) instanceof RegoDecimal ? (n as unknown as RegoDecimal).toNumber() : n;
}

export function isArray(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

export function isSet(v: Value | undefined): v is RegoSet {
  return v instanceof RegoSet;
}

export function isPlainObject(v: Value | undefined): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegoSet) && !(v instanceof RegoObject) && !(v instanceof RegoDecimal);
}

export function isObject(v: Value | undefined): v is PlainObject | RegoObject {
  return v instanceof RegoObject || isPlainObject(v);
}

/** Rego type names, as `type_name` returns them. */
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

export function typeName(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof RegoSet) return 'set';
  if (v instanceof RegoDecimal) return 'number';
  return 'object';
}

// ---- objects: one interface over both representations ---------------------------------------

/** Number of keys of an object value. */
export function objectSize(o: PlainObject | RegoObject): number {
  return o instanceof RegoObject ? o.size : Object.keys(o).length;
}

/** Value under key `k`, or undefined when absent. */
export function objectGet(o: PlainObject | RegoObject, k: Value): Value | undefined {
  if (o instanceof RegoObject) return o.get(k);
  if (typeof k !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/** Arrays up to this long are sorted by insertion: Array.prototype.sort copies its input first. */
const INSERTION_SORT_MAX = 16;

/** Sorts `xs` in place (stably, as sort() does) and returns it. */
function sortInPlace<T>(xs: T[], cmp: (a: T, b: T) => number): T[] {
  if (xs.length > INSERTION_SORT_MAX) return xs.sort(cmp);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    let j = i - 1;
    for (; j >= 0 && cmp(xs[j], x) > 0; j--) xs[j + 1] = xs[j];
    xs[j + 1] = x;
  }
  return xs;
}

/** Sorts values in place in Rego's total order; returns `xs`. */
export function sortValues(xs: Value[]): Value[] {
  return sortInPlace(xs, compareValues);
}

/** Keys of a plain object in Rego's key order (a fresh array the caller may keep). */
export function sortedKeys(o: PlainObject): string[] {
  return sortInPlace(Object.keys(o), compareStrings);
}

/** Entries in Rego's key order (how OPA iterates objects). */
export function objectEntries(o: PlainObject | RegoObject): [Value, Value][] {
  if (o instanceof RegoObject) return o.entries();
  const keys = sortedKeys(o);
  const out: [Value, Value][] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i], o[keys[i]]];
  return out;
}

/** Builds an object value from entries, choosing the plain representation when every key is a string. */
export function makeObject(entries: Iterable<[Value, Value]>): PlainObject | RegoObject {
  const list = [...entries];
  if (list.every(([k]) => typeof k === 'string')) {
    const o: PlainObject = Object.create(null);
    for (const [k, v] of list) o[k as string] = v;
    return o;
  }
  return new RegoObject(list);
}

// ---- numbers --------------------------------------------------------------------------------

/** Normalizes an integer result: bigints that fit the safe range become JS numbers. */
export function normalizeInt(n: bigint): RegoNumber {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** True for integral numbers (a bigint, or a JS number with no fraction). */
export function isInteger(n: RegoNumber): boolean {
  return typeof n === 'bigint' || Number.isInteger(n);
}

/** Integral value as a bigint (callers check isInteger first). */
export function toBigInt(n: RegoNumber): bigint {
  return typeof n === 'bigint' ? n : BigInt(n);
}

/** Exponents beyond this stay doubles (Infinity or 0): exact values that large are not worth their cost. */
const MAX_EXACT_EXP = 10000;

/** digits × 10^exp of a decimal text (JS or JSON number syntax), with trailing zeros moved into exp. */
function decimalParts(text: string): { digits: bigint; exp: number } | undefined {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  let body = (m[2] + fraction).replace(/^0+/, '');
  let exp = Number(m[4] ?? 0) - fraction.length;
  if (body === '') return { digits: 0n, exp: 0 };
  const trimmed = body.replace(/0+$/, '');
  exp += body.length - trimmed.length;
  body = trimmed;
  return { digits: BigInt(m[1] + body), exp };
}

function numberParts(n: RegoNumber | RegoDecimal): { digits: bigint; exp: number } {
  if (n instanceof RegoDecimal) return n.parts();
  if (typeof n === 'bigint') return { digits: n, exp: 0 };
  return decimalParts(String(n)) ?? { digits: 0n, exp: 0 };
}

/** Exact order of two numbers when one is a RegoDecimal (doubles count as their shortest decimal text). */
function compareExact(a: RegoNumber | RegoDecimal, b: RegoNumber | RegoDecimal): number {
  if ((typeof a === 'number' && !Number.isFinite(a)) || (typeof b === 'number' && !Number.isFinite(b))) {
    return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  const x = numberParts(a);
  const y = numberParts(b);
  const e = Math.min(x.exp, y.exp);
  const dx = x.digits * 10n ** BigInt(x.exp - e);
  const dy = y.digits * 10n ** BigInt(y.exp - e);
  return dx < dy ? -1 : dx > dy ? 1 : 0;
}

/**
 * Parses a numeric literal exactly: integers beyond 2^53 become bigints; a literal that does not
 * survive the trip through a double (1e400, 1e-400, 0.1234567890123456789) stays exact.
 */
export function parseNumber(text: string): RegoNumber {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const n = Number(text);
  const exact = decimalParts(text);
  if (!exact || Math.abs(exact.exp) > MAX_EXACT_EXP) return n;
  const approx = Number.isFinite(n) ? decimalParts(String(n)) : undefined;
  if (approx && approx.digits === exact.digits && approx.exp === exact.exp) return n;
  if (exact.exp >= 0) return normalizeInt(exact.digits * 10n ** BigInt(exact.exp));
  return new RegoDecimal(exact.digits, exact.exp) as unknown as RegoNumber;
}

/** Formats a number as OPA prints it (integers without exponent, floats shortest round-trip). */
export function formatNumber(n: RegoNumber | RegoDecimal): string {
  if (n instanceof RegoDecimal) return formatDecimal(n);
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

function formatDecimal(dec: RegoDecimal): string {
  const d = dec.parts();
  const negative = d.digits < 0n;
  const body = (negative ? -d.digits : d.digits).toString();
  const sign = negative ? '-' : '';
  if (d.exp >= 0) return sign + body + 'e+' + d.exp;
  const point = body.length + d.exp;
  if (point > 0) return sign + body.slice(0, point) + '.' + body.slice(point);
  if (point > -20) return sign + '0.' + '0'.repeat(-point) + body;
  const mantissa = body.length > 1 ? body[0] + '.' + body.slice(1) : body;
  return sign + mantissa + 'e' + (point - 1);
}

// ---- ordering and equality ------------------------------------------------------------------

const ORDER: Record<TypeName, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 6, object: 7, set: 8 };

/** Go compares strings by UTF-8 bytes; JS by UTF-16 units. They differ only above U+FFFF vs U+E000-FFFF. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rego's total order over values (null < boolean < number < string < array < object < set). */
export function compareValues(a: Value, b: Value): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return ORDER[ta] - ORDER[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      if (typeof a === 'object' || typeof b === 'object') return compareExact(a as RegoNumber, b as RegoNumber);
      return (a as RegoNumber) < (b as RegoNumber) ? -1 : (a as RegoNumber) > (b as RegoNumber) ? 1 : 0;
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSequences(a as Value[], b as Value[]);
    case 'set':
      return compareSequences((a as RegoSet).values(), (b as RegoSet).values());
    case 'object': {
      const ea = objectEntries(a as PlainObject | RegoObject);
      const eb = objectEntries(b as PlainObject | RegoObject);
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(ea[i][0], eb[i][0]) || compareValues(ea[i][1], eb[i][1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
  }
}

function compareSequences(a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Structural equality (1 == 1.0; sets and objects regardless of order). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (typeof a === 'object' || typeof b === 'object') return isNumber(a) && isNumber(b) && compareValues(a, b) === 0;
    return isNumber(a) && isNumber(b) && a == b;
  }
  return compareValues(a, b) === 0;
}

// ---- JSON -----------------------------------------------------------------------------------

/** Canonical JSON text: sorted keys, sets as sorted arrays. Used for cache keys and hashing. */
export function canonicalJson(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (v instanceof RegoDecimal) return formatNumber(v);
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v instanceof RegoSet) return '{"$set":[' + v.values().map(canonicalJson).join(',') + ']}';
  const parts = objectEntries(v).map(([k, x]) => (typeof k === 'string' ? JSON.stringify(k) : JSON.stringify(canonicalJson(k))) + ':' + canonicalJson(x));
  return '{' + parts.join(',') + '}';
}

/** Converts a value to plain JSON data: sets become sorted arrays, non-string keys their JSON text. */
export function toJson(v: Value): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? Number(v) : v;
  if (Array.isArray(v)) return arrayToJson(v);
  if (v instanceof RegoSet) return arrayToJson(v.values());
  if (v instanceof RegoDecimal) return v.toNumber();
  const out: Record<string, unknown> = {};
  if (v instanceof RegoObject) {
    for (const [k, x] of v.entries()) setJsonMember(out, typeof k === 'string' ? k : JSON.stringify(toJson(k)), toJson(x));
    return out;
  }
  for (const k of sortedKeys(v)) setJsonMember(out, k, toJson(v[k]));
  return out;
}

function arrayToJson(xs: Value[]): unknown[] {
  const out: unknown[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = toJson(xs[i]);
  return out;
}

/** An assignment to "__proto__" would set the prototype instead of adding the member. */
function setJsonMember(out: Record<string, unknown>, k: string, x: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  else out[k] = x;
}

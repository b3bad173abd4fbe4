// Rego values: JSON-compatible JS values plus sets, objects with non-string keys and big integers.
// Plain JS objects stand for string-keyed objects so that JSON input is used as-is, without copying.

/** Integers outside the safe range are bigints; every other number is a JS number. */
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

/** A set of Rego values with value (not identity) semantics. Iteration is in Rego's sort order. */
export class RegoSet {
  private readonly items = new Map<MapKey, Value>();
  private sorted: Value[] | undefined;

  constructor(values?: Iterable<Value>) {
    if (values) for (const v of values) this.add(v);
  }

  get size(): number {
    return this.items.size;
  }

  add(v: Value): void {
    const k = primitiveKey(v);
    if (!this.items.has(k)) {
      this.items.set(k, v);
      this.sorted = undefined;
    }
  }

  has(v: Value): boolean {
    return this.items.has(primitiveKey(v));
  }

  /** Elements in Rego's total order (how OPA iterates and serializes sets). */
  values(): Value[] {
    if (!this.sorted) this.sorted = [...this.items.values()].sort(compareValues);
    return this.sorted;
  }

  [Symbol.iterator](): Iterator<Value> {
    return this.values()[Symbol.iterator]();
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
  return typeof v === 'number' || typeof v === 'bigint';
}

export function isArray(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

export function isSet(v: Value | undefined): v is RegoSet {
  return v instanceof RegoSet;
}

export function isPlainObject(v: Value | undefined): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegoSet) && !(v instanceof RegoObject);
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

/** Entries in Rego's key order (how OPA iterates objects). */
export function objectEntries(o: PlainObject | RegoObject): [Value, Value][] {
  if (o instanceof RegoObject) return o.entries();
  return Object.keys(o)
    .sort(compareStrings)
    .map((k) => [k, o[k]] as [Value, Value]);
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

/** Parses a numeric literal exactly: integers beyond 2^53 become bigints. */
export function parseNumber(text: string): RegoNumber {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  return Number(text);
}

/** Formats a number as OPA prints it (integers without exponent, floats shortest round-trip). */
export function formatNumber(n: RegoNumber): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
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
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v instanceof RegoSet) return '{"$set":[' + v.values().map(canonicalJson).join(',') + ']}';
  const parts = objectEntries(v).map(([k, x]) => (typeof k === 'string' ? JSON.stringify(k) : JSON.stringify(canonicalJson(k))) + ':' + canonicalJson(x));
  return '{' + parts.join(',') + '}';
}

/** Converts a value to plain JSON data: sets become sorted arrays, non-string keys their JSON text. */
export function toJson(v: Value): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof RegoSet) return v.values().map(toJson);
  const out: Record<string, unknown> = {};
  for (const [k, x] of objectEntries(v)) out[typeof k === 'string' ? k : JSON.stringify(toJson(k))] = toJson(x);
  return out;
}

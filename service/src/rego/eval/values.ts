// Value helpers for evaluation: key lookup, enumeration, map keys and builders for virtual documents.
import { RegoError, type RegoLocation } from '../errors.js';
import { RegoObject, RegoSet, canonicalJson, isPlainObject, makeObject, objectEntries, valuesEqual, type PlainObject, type Value } from '../value.js';

/**
 * True for a plain object (Object or null prototype): arrays, RegoObject and RegoSet have their own
 * constructors. One megamorphic load instead of Array.isArray plus two instanceof walks on the
 * commonest lookup, input documents. An own "constructor" member only sends the object down the
 * general path.
 */
function isPlainFast(v: object): boolean {
  const c = (v as { constructor?: unknown }).constructor;
  return c === Object || c === undefined;
}

/** A string member of a plain object; inherited members (toString, ...) are functions, never Rego values. */
function plainMember(v: object, key: string): Value | undefined {
  const x = (v as PlainObject)[key] as unknown;
  return typeof x === 'function' ? undefined : (x as Value | undefined);
}

/** The value under `key` in a collection, or undefined. */
export function lookup(v: Value | undefined, key: Value): Value | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (typeof key === 'string' && key !== '__proto__' && isPlainFast(v)) return plainMember(v, key);
  if (Array.isArray(v)) {
    const i = typeof key === 'bigint' ? Number(key) : key;
    return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (v instanceof RegoSet) return v.has(key) ? key : undefined;
  if (v instanceof RegoObject) return v.get(key);
  if (typeof key !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? (v as PlainObject)[key] : undefined;
}

/**
 * `lookup` for a string key, minus the own-property check: plain objects hold only Rego values,
 * never functions, so an inherited member (toString, ...) shows as a function and is skipped.
 */
export function lookupString(v: Value | undefined, key: string): Value | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (key !== '__proto__' && isPlainFast(v)) return plainMember(v, key);
  if (Array.isArray(v)) return undefined;
  if (v instanceof RegoObject) return v.get(key);
  if (v instanceof RegoSet) return v.has(key) ? key : undefined;
  if (key === '__proto__') return Object.prototype.hasOwnProperty.call(v, key) ? (v as PlainObject)[key] : undefined;
  return plainMember(v, key);
}

/** Calls fn(key, value) for each member; stops when fn returns true. */
export function enumerate(v: Value | undefined, fn: (k: Value, x: Value) => boolean): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (fn(i, v[i])) return true;
    return false;
  }
  if (v instanceof RegoSet) {
    for (const x of v.values()) if (fn(x, x)) return true;
    return false;
  }
  for (const [k, x] of objectEntries(v)) if (fn(k, x)) return true;
  return false;
}

/** A Map key standing for a value (strings as themselves, everything else as canonical JSON). */
export function keyOf(v: Value): string {
  return typeof v === 'string' ? v : '\u0000' + canonicalJson(v);
}

/** A mutable object under construction (virtual documents), checked for key conflicts. */
export class ObjectBuilder {
  readonly entries = new Map<string, [Value, Value | ObjectBuilder | RegoSet]>();

  /** Sets path → value; leaves of multi-value rules are sets. */
  put(path: Value[], value: Value, multi: boolean, loc: RegoLocation, conflict: string): void {
    let entries = this.entries;
    for (let i = 0; i < path.length - 1; i++) {
      const k = keyOf(path[i]);
      const cur = entries.get(k);
      if (cur === undefined) {
        const child = new ObjectBuilder();
        entries.set(k, [path[i], child]);
        entries = child.entries;
      } else if (cur[1] instanceof ObjectBuilder) entries = cur[1].entries;
      else throw new RegoError('eval_conflict_error', conflict, loc);
    }
    const node = { entries };
    const last = path[path.length - 1];
    const k = keyOf(last);
    const cur = node.entries.get(k);
    if (multi) {
      if (cur === undefined) node.entries.set(k, [last, new RegoSet([value])]);
      else if (cur[1] instanceof RegoSet) cur[1].add(value);
      else throw new RegoError('eval_conflict_error', conflict, loc);
    } else if (cur === undefined) node.entries.set(k, [last, value]);
    else if (cur[1] instanceof ObjectBuilder || cur[1] instanceof RegoSet || !valuesEqual(cur[1], value)) {
      throw new RegoError('eval_conflict_error', conflict, loc);
    }
  }

  /** Merges a plain value in (base documents and child documents); builders win on existing keys. */
  putValue(key: Value, value: Value): void {
    const k = keyOf(key);
    if (!this.entries.has(k)) this.entries.set(k, [key, value]);
  }

  build(): Value {
    return makeObject([...this.entries.values()].map(([k, v]) => [k, v instanceof ObjectBuilder ? v.build() : v] as [Value, Value]));
  }
}

export function isCollection(v: Value | undefined): boolean {
  return v !== null && typeof v === 'object';
}

export { isPlainObject };

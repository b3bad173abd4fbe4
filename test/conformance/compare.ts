// Result-set comparison as OPA's case runner does it: bindings turned into JSON, compared as a set.
import { canonicalJson, compareValues, isArray, isSet, objectEntries } from '../../service/src/rego/value.js';
import type { PlainObject, Value } from '../../service/src/rego/value.js';

/**
 * JSON form of a value, as OPA's ast.JSON produces it: sets become arrays (in set order), object
 * keys that are not strings become their JSON text. Integers stay exact.
 */
export function toJsonValue(v: Value): Value {
  if (v === null || typeof v !== 'object') return v;
  if (isArray(v)) return v.map(toJsonValue);
  if (isSet(v)) return v.values().map(toJsonValue);
  const out: PlainObject = {};
  for (const [k, x] of objectEntries(v)) {
    const key = typeof k === 'string' ? k : canonicalJson(toJsonValue(k));
    Object.defineProperty(out, key, { value: toJsonValue(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Binding maps in JSON form; with `sortBindings` every bound array is sorted (OPA's sort_bindings). */
export function normalizeBindings(bindings: Record<string, Value>, sortBindings: boolean): PlainObject {
  const out: PlainObject = {};
  for (const [name, value] of Object.entries(bindings)) {
    let v = toJsonValue(value);
    if (sortBindings) {
      if (!isArray(v)) throw new Error(`sort_bindings: binding ${name} is not an array`);
      v = [...v].sort(compareValues);
    }
    out[name] = v;
  }
  return out;
}

function uniqueSorted(list: Value[]): Value[] {
  const sorted = [...list].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0);
}

/** Compares two result sets as sets (order and duplicates ignored); returns a diff message or undefined. */
export function diffResultSets(want: PlainObject[], got: PlainObject[]): string | undefined {
  const w = uniqueSorted(want.map(toJsonValue));
  const g = uniqueSorted(got);
  if (w.length === g.length && w.every((v, i) => compareValues(v, g[i]) === 0)) return undefined;
  return `unexpected result\n  want: ${canonicalJson(w)}\n  got:  ${canonicalJson(g)}`;
}

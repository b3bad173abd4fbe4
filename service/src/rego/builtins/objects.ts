// Builtins of the "objects" category: object.* and the path-based json.filter, json.remove and json.patch.
import {
  compareValues,
  isArray,
  isObject,
  isSet,
  makeObject,
  objectEntries,
  objectGet,
  RegoObject,
  RegoSet,
  typeName,
  valuesEqual,
  type PlainObject,
  type Value,
} from '../value.js';
import { applyJsonPatch, jsonPointerSegments } from './json-patch.js';
import { BuiltinError, operandError, type BuiltinDecl, type TypeSpec } from './types.js';

type ObjectValue = PlainObject | RegoObject;

const ANY_OBJECT: TypeSpec = { object: ['any', 'any'] };
const KEY_COLLECTION: TypeSpec = { oneOf: [{ array: 'any' }, { set: 'any' }, ANY_OBJECT] };
const PATH_COLLECTION: TypeSpec = {
  oneOf: [{ array: { oneOf: ['string', { array: 'any' }] } }, { set: { oneOf: ['string', { array: 'any' }] } }],
};

function objectOperand(name: string, v: Value, position: number): ObjectValue {
  if (!isObject(v)) throw operandError(name, position, 'object', v);
  return v;
}

/** The keys named by object.remove/object.filter's second operand: an array, set or object's keys. */
function keySet(name: string, v: Value): RegoSet {
  if (isArray(v)) return new RegoSet(v);
  if (isSet(v)) return v;
  if (isObject(v)) return new RegoSet(objectEntries(v).map(([k]) => k));
  throw operandError(name, 2, 'one of {object, set, array}', v);
}

// ---- object.get ------------------------------------------------------------------------------

/** The value at `path` below `v`, or undefined when some step does not exist. */
function find(v: Value, path: Value[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const key of path) {
    if (cur === undefined) return undefined;
    if (isObject(cur)) cur = objectGet(cur, key);
    else if (isArray(cur)) cur = typeof key === 'number' && Number.isInteger(key) && key >= 0 ? cur[key] : undefined;
    else if (isSet(cur)) cur = cur.has(key) ? key : undefined;
    else return undefined;
  }
  return cur;
}

function objectGetBuiltin([o, key, fallback]: Value[]): Value {
  const obj = objectOperand('object.get', o, 1);
  // A non-array key is one key; an array key is a path, the empty path naming the object itself.
  // A null value is found, not missing: only undefined falls back to the default.
  const found = isArray(key) ? find(obj, key) : objectGet(obj, key);
  return found === undefined ? fallback : found;
}

// ---- object.union / object.union_n -----------------------------------------------------------

/** b's keys override a's, except that two objects under the same key are merged recursively. */
function mergeWithOverwrite(a: ObjectValue, b: ObjectValue): ObjectValue {
  const merged = new RegoObject(objectEntries(a));
  for (const [k, v] of objectEntries(b)) {
    const old = merged.get(k);
    merged.set(k, old !== undefined && isObject(old) && isObject(v) ? mergeWithOverwrite(old, v) : v);
  }
  return makeObject(merged.entries());
}

function objectUnionN([arr]: Value[]): Value {
  if (!isArray(arr)) throw operandError('object.union_n', 1, 'array', arr);
  let result: ObjectValue = makeObject([]);
  for (const o of arr) {
    if (!isObject(o)) {
      throw new BuiltinError('eval_type_error', `object.union_n: operand 1 must be array of objects but got array containing ${typeName(o)}`);
    }
    result = mergeWithOverwrite(result, o);
  }
  return result;
}

// ---- object.subset ---------------------------------------------------------------------------

function objectSubset(sup: ObjectValue, sub: ObjectValue): boolean {
  return objectEntries(sub).every(([k, subValue]) => {
    const supValue = objectGet(sup, k);
    if (supValue === undefined) return false;
    if (valuesEqual(subValue, supValue)) return true;
    return nestedSubset(supValue, subValue) ?? false;
  });
}

/** Subset for two values of the same collection kind; undefined when the kinds do not pair up. */
function nestedSubset(sup: Value, sub: Value): boolean | undefined {
  if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
  if (isSet(sup) && isSet(sub)) return sub.values().every((v) => sup.has(v));
  if (isArray(sup) && isArray(sub)) return arraySubset(sup, sub);
  return undefined;
}

/** `sub` appears as a contiguous run inside `sup`. */
function arraySubset(sup: Value[], sub: Value[]): boolean {
  if (sub.length > sup.length) return false;
  for (let start = 0; start + sub.length <= sup.length; start++) {
    if (sub.every((v, i) => compareValues(sup[start + i], v) === 0)) return true;
  }
  return false;
}

/** Every member of `sub` occurs in `sup`; OPA reports false for an empty array even with an empty set. */
function arraySetSubset(sup: Value[], sub: RegoSet): boolean {
  let unmatched = sub.size;
  for (const v of sup) {
    if (sub.has(v)) unmatched--;
    if (unmatched <= 0) return true;
  }
  return false;
}

function objectSubsetBuiltin([sup, sub]: Value[]): Value {
  const nested = nestedSubset(sup, sub);
  if (nested !== undefined) return nested;
  if (isArray(sup) && isSet(sub)) return arraySetSubset(sup, sub);
  throw new BuiltinError('eval_type_error', 'object.subset: both arguments object.subset must be of the same type or array and set');
}

// ---- json.filter / json.remove ---------------------------------------------------------------

/** Path segments of one json.filter/json.remove path: a JSON pointer string or an array of segments. */
function parsePath(name: string, p: Value): Value[] {
  if (typeof p === 'string') return jsonPointerSegments(p);
  if (isArray(p)) return p;
  throw new BuiltinError(
    'eval_type_error',
    `${name}: operand 2 must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`,
  );
}

function jsonPaths(name: string, v: Value): Value[][] {
  if (!isArray(v) && !isSet(v)) throw operandError(name, 2, 'one of {set, array}', v);
  const items = isArray(v) ? v : v.values();
  return items.map((p) => parsePath(name, p));
}

/** A trie of paths: nested objects keyed by segment, null where a path ends (a shorter path wins). */
type PathTrie = RegoObject;

function pathsToTrie(paths: Value[][]): PathTrie {
  const root = new RegoObject();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node: PathTrie | null = root;
    for (const seg of path.slice(0, -1)) {
      const child: Value | undefined = node.get(seg);
      if (child === undefined) {
        const next = new RegoObject();
        node.set(seg, next);
        node = next;
      } else if (child === null) {
        node = null;
        break;
      } else {
        node = child as PathTrie;
      }
    }
    if (node) node.set(path[path.length - 1], null);
  }
  return root;
}

/** Keeps only what the trie selects. Array elements are selected by their index as a string. */
function filterByTrie(v: Value, filter: PathTrie | null): Value {
  if (filter === null) return v;
  if (isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = filter.get(String(i));
      if (sub !== undefined) out.push(filterByTrie(x, sub as PathTrie | null));
    });
    return out;
  }
  if (isSet(v)) {
    const out = new RegoSet();
    for (const x of v.values()) {
      const sub = filter.get(x);
      if (sub !== undefined) out.add(filterByTrie(x, sub as PathTrie | null));
    }
    return out;
  }
  if (isObject(v)) {
    const out: [Value, Value][] = [];
    for (const [k, x] of objectEntries(v)) {
      const sub = filter.get(k);
      if (sub !== undefined) out.push([k, filterByTrie(x, sub as PathTrie | null)]);
    }
    return makeObject(out);
  }
  return v;
}

/** Drops what the trie selects; undefined when `v` itself is removed. Array indexes close up. */
function removeByTrie(v: Value, remove: Value | undefined): Value | undefined {
  if (remove === null) return undefined;
  if (!(remove instanceof RegoObject)) return v;
  if (isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const kept = removeByTrie(x, remove.get(String(i)));
      if (kept !== undefined) out.push(kept);
    });
    return out;
  }
  if (isSet(v)) {
    const out = new RegoSet();
    for (const x of v.values()) {
      const kept = removeByTrie(x, remove.get(x));
      if (kept !== undefined) out.add(kept);
    }
    return out;
  }
  if (isObject(v)) {
    const out: [Value, Value][] = [];
    for (const [k, x] of objectEntries(v)) {
      const kept = removeByTrie(x, remove.get(k));
      if (kept !== undefined) out.push([k, kept]);
    }
    return makeObject(out);
  }
  return v;
}

// ---- declarations ----------------------------------------------------------------------------

export const objectsBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'object.get',
    args: [ANY_OBJECT, 'any', 'any'],
    result: 'any',
    impl: objectGetBuiltin,
  },
  {
    name: 'object.keys',
    args: [ANY_OBJECT],
    result: { set: 'any' },
    impl: ([o]) => new RegoSet(objectEntries(objectOperand('object.keys', o, 1)).map(([k]) => k)),
  },
  {
    name: 'object.remove',
    args: [ANY_OBJECT, KEY_COLLECTION],
    result: ANY_OBJECT,
    impl: ([o, keys]) => {
      const obj = objectOperand('object.remove', o, 1);
      const drop = keySet('object.remove', keys);
      return makeObject(objectEntries(obj).filter(([k]) => !drop.has(k)));
    },
  },
  {
    name: 'object.filter',
    args: [ANY_OBJECT, KEY_COLLECTION],
    result: ANY_OBJECT,
    impl: ([o, keys]) => {
      const obj = objectOperand('object.filter', o, 1);
      const keep = keySet('object.filter', keys);
      return makeObject(objectEntries(obj).filter(([k]) => keep.has(k)));
    },
  },
  {
    name: 'object.union',
    args: [ANY_OBJECT, ANY_OBJECT],
    result: ANY_OBJECT,
    impl: ([a, b]) => mergeWithOverwrite(objectOperand('object.union', a, 1), objectOperand('object.union', b, 2)),
  },
  {
    name: 'object.union_n',
    args: [{ array: ANY_OBJECT }],
    result: ANY_OBJECT,
    impl: objectUnionN,
  },
  {
    name: 'object.subset',
    args: [
      { oneOf: [ANY_OBJECT, { set: 'any' }, { array: 'any' }] },
      { oneOf: [ANY_OBJECT, { set: 'any' }, { array: 'any' }] },
    ],
    result: 'boolean',
    impl: objectSubsetBuiltin,
  },
  {
    name: 'json.filter',
    args: [ANY_OBJECT, PATH_COLLECTION],
    result: 'any',
    impl: ([o, paths]) => {
      const obj = objectOperand('json.filter', o, 1);
      return filterByTrie(obj, pathsToTrie(jsonPaths('json.filter', paths)));
    },
  },
  {
    name: 'json.remove',
    args: [ANY_OBJECT, PATH_COLLECTION],
    result: 'any',
    impl: ([o, paths]) => {
      const obj = objectOperand('json.remove', o, 1);
      return removeByTrie(obj, pathsToTrie(jsonPaths('json.remove', paths)));
    },
  },
  {
    name: 'json.patch',
    args: ['any', { array: ANY_OBJECT }],
    result: 'any',
    impl: ([doc, patches]) => {
      if (!isArray(patches)) throw operandError('json.patch', 2, 'array', patches);
      // Any invalid or failing operation makes the call undefined, as in OPA.
      return applyJsonPatch(doc, patches);
    },
  },
];

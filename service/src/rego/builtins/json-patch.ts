// RFC 6902 JSON Patch over Rego values, with OPA's json.patch semantics (sets, "-" appends, undefined on failure).
import { AuthzServiceError } from '../../errors/index.js';
import { isArray, isObject, isSet, makeObject, objectEntries, objectGet, RegoSet, valuesEqual, type Value } from '../value.js';

/** Any failed operation: json.patch is then undefined. */
class PatchFailure extends AuthzServiceError<'ERR_BUILTIN_FAILURE'> {
  readonly code = 'ERR_BUILTIN_FAILURE';
}

function fail(): never {
  throw new PatchFailure();
}

/** A looked-up value that must exist (null is a value, unlike undefined). */
function present(v: Value | undefined): Value {
  return v === undefined ? fail() : v;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Segments of a JSON pointer as OPA reads it ("/a/0": leading slashes trimmed, ~1 and ~0 unescaped). */
export function jsonPointerSegments(p: string): string[] {
  if (p === '') return [];
  return p
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** JSON pointer or an array of segments. */
function patchPath(p: Value | undefined): Value[] {
  if (typeof p === 'string') return jsonPointerSegments(p);
  if (isArray(p)) return p;
  return fail();
}

/** Array index of a segment; "-" is one past the end. Strings follow Go's ParseInt without leading zeros. */
function arrayIndex(length: number, key: Value): number {
  if (typeof key === 'number') return Number.isInteger(key) ? key : fail();
  if (typeof key !== 'string') return fail();
  if (key === '-') return length;
  if (!/^[+-]?\d+$/.test(key) || (key !== '0' && key.startsWith('0'))) return fail();
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : fail();
}

function childAt(v: Value, key: Value): Value {
  if (isObject(v)) return present(objectGet(v, key));
  if (isSet(v)) return v.has(key) ? key : fail();
  if (isArray(v)) {
    const i = arrayIndex(v.length, key);
    return i >= 0 && i < v.length ? v[i] : fail();
  }
  return fail();
}

function withChild(v: Value, key: Value, child: Value): Value {
  if (isObject(v)) return makeObject([...objectEntries(v).filter(([k]) => !valuesEqual(k, key)), [key, child]]);
  if (isSet(v)) return new RegoSet([...v.values().filter((x) => !valuesEqual(x, key)), child]);
  const out = [...(v as Value[])];
  out[arrayIndex(out.length, key)] = child;
  return out;
}

function insertChild(parent: Value, key: Value, value: Value): Value {
  if (isObject(parent)) return withChild(parent, key, value);
  if (isSet(parent)) return valuesEqual(key, value) ? new RegoSet([...parent.values(), value]) : fail();
  if (isArray(parent)) {
    const i = arrayIndex(parent.length, key);
    if (i < 0 || i > parent.length) fail();
    return [...parent.slice(0, i), value, ...parent.slice(i)];
  }
  return fail();
}

function deleteChild(parent: Value, key: Value): Value {
  childAt(parent, key);
  if (isObject(parent)) return makeObject(objectEntries(parent).filter(([k]) => !valuesEqual(k, key)));
  if (isSet(parent)) return new RegoSet(parent.values().filter((x) => !valuesEqual(x, key)));
  const i = arrayIndex((parent as Value[]).length, key);
  return (parent as Value[]).filter((_, j) => j !== i);
}

/** Rebuilds `doc` with `leaf` applied to the parent of the path's last segment. */
function updateAt(doc: Value, path: Value[], leaf: (parent: Value, key: Value) => Value): Value {
  if (path.length === 1) return leaf(doc, path[0]);
  return withChild(doc, path[0], updateAt(childAt(doc, path[0]), path.slice(1), leaf));
}

function getAt(doc: Value | undefined, path: Value[]): Value {
  if (doc === undefined) return fail();
  return path.reduce<Value>(childAt, doc);
}

function add(doc: Value | undefined, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  if (doc === undefined) return fail();
  return updateAt(doc, path, (parent, key) => insertChild(parent, key, value));
}

function remove(doc: Value | undefined, path: Value[]): Value | undefined {
  if (doc === undefined) return fail();
  if (path.length === 0) return undefined;
  return updateAt(doc, path, deleteChild);
}

function attribute(op: Value, name: string): Value {
  if (!isObject(op)) return fail();
  return present(objectGet(op, name));
}

function applyOne(doc: Value | undefined, op: Value): Value | undefined {
  const kind = attribute(op, 'op');
  if (typeof kind !== 'string' || !OPS.has(kind)) return fail();
  const path = patchPath(attribute(op, 'path'));
  switch (kind) {
    case 'add':
      return add(doc, path, attribute(op, 'value'));
    case 'remove':
      return remove(doc, path);
    case 'replace': {
      const value = attribute(op, 'value');
      return add(remove(doc, path), path, value);
    }
    case 'move': {
      const from = patchPath(attribute(op, 'from'));
      const chunk = getAt(doc, from);
      return add(remove(doc, from), path, chunk);
    }
    case 'copy': {
      const from = patchPath(attribute(op, 'from'));
      return add(doc, path, getAt(doc, from));
    }
    default: {
      const value = attribute(op, 'value');
      if (!valuesEqual(getAt(doc, path), value)) fail();
      return doc;
    }
  }
}

/** Applies the operations in order; undefined when any of them fails (or the document ends up removed). */
export function applyJsonPatch(doc: Value, operations: Value[]): Value | undefined {
  try {
    return operations.reduce<Value | undefined>(applyOne, doc);
  } catch (e) {
    if (e instanceof PatchFailure) return undefined;
    throw e;
  }
}

// Builtins that need the evaluator: membership (`in`), print and trace.
import { isObject, objectEntries, objectGet, valuesEqual, RegoSet, type Value } from '../value.js';
import type { BuiltinDecl } from './types.js';
import { templateStringBuiltins } from './template-string.js';

/** `x in coll`: membership among a collection's values (exported for the evaluator's operator fast path). */
export function member(x: Value, coll: Value): boolean {
  // Loops rather than some(): no closure per membership test, the commonest expression.
  if (Array.isArray(coll)) {
    for (let i = 0; i < coll.length; i++) if (valuesEqual(coll[i], x)) return true;
    return false;
  }
  if (coll instanceof RegoSet) return coll.has(x);
  if (isObject(coll)) {
    for (const [, v] of objectEntries(coll)) if (valuesEqual(v, x)) return true;
  }
  return false;
}

function memberKV(k: Value, v: Value, coll: Value): boolean {
  if (Array.isArray(coll)) {
    const i = typeof k === 'bigint' ? Number(k) : k;
    return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < coll.length && valuesEqual(coll[i], v);
  }
  if (coll instanceof RegoSet) return coll.has(k) && valuesEqual(k, v);
  if (isObject(coll)) {
    const x = objectGet(coll, k);
    return x !== undefined && valuesEqual(x, v);
  }
  return false;
}

export const internalBuiltins: readonly BuiltinDecl[] = [
  { name: 'internal.member_2', args: ['any', 'any'], result: 'boolean', impl: ([x, c]) => member(x, c) },
  { name: 'internal.member_3', args: ['any', 'any', 'any'], result: 'boolean', impl: ([k, v, c]) => memberKV(k, v, c) },
  {
    name: 'print',
    args: [],
    variadic: 'any',
    result: 'boolean',
    impl: (args, ctx) => {
      ctx.print(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      return true;
    },
  },
  { name: 'trace', args: ['string'], result: 'boolean', impl: () => true },
  ...templateStringBuiltins,
];

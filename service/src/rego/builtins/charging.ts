// Charging builtins for what they are about to build: serialized sizes counted without building,
// in chunks, so a value far over the budget (shared parts repeated) stops the walk early.
import { isObject, objectEntries, RegoSet, type Value } from '../value.js';
import type { BuiltinContext } from './types.js';

/** Units counted before the context is charged (and may stop the walk). */
const FLUSH = 1 << 14;

/**
 * Charges about the size of `v` written as text: strings by length, every element, key and scalar
 * a few bytes, plus `perLine(depth)` per element (the indentation of pretty-printed output).
 */
export function chargeSerialized(ctx: BuiltinContext, v: Value, perLine?: (depth: number) => number): void {
  let pending = 0;
  const stack: [Value, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    pending += perLine ? perLine(depth) : 0;
    if (typeof x === 'string') pending += x.length + 2;
    else if (Array.isArray(x)) {
      pending += 2 + x.length;
      for (const e of x) stack.push([e, depth + 1]);
    } else if (x instanceof RegoSet) {
      pending += 2 + x.size;
      for (const e of x.values()) stack.push([e, depth + 1]);
    } else if (isObject(x)) {
      pending += 2;
      for (const [k, e] of objectEntries(x)) stack.push([k, depth + 1], [e, depth + 1]);
    } else pending += 8;
    if (pending >= FLUSH) {
      ctx.charge(pending);
      pending = 0;
    }
  }
  ctx.charge(pending);
}

/** A charge callback for incremental builders, batching small pieces into one charge. */
export function chunkedCharge(ctx: BuiltinContext): { add(n: number): void; flush(): void } {
  let pending = 0;
  return {
    add(n) {
      pending += n;
      if (pending >= FLUSH) {
        ctx.charge(pending);
        pending = 0;
      }
    },
    flush() {
      ctx.charge(pending);
      pending = 0;
    },
  };
}

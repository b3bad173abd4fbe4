// Limits on what a decision request may carry beyond the body size: argument bytes per action (413)
// and JSON nesting depth (400), so one request cannot make policy evaluation or logging expensive.
import type { DecisionAction } from '../../decisions/index.js';
import { HttpProblem } from '../problems.js';

export interface DecisionLimits {
  maxArgumentBytes: number;
  maxDepth: number;
}

/** True when `value` nests objects/arrays deeper than `max` (stops descending at the limit). */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Throws the problem for the first limit a request breaks; `batch` names actions by index. */
export function checkActionLimits(actions: readonly DecisionAction[], context: Record<string, unknown> | undefined, limits: DecisionLimits, batch: boolean): void {
  if (context !== undefined && deeperThan(context, limits.maxDepth)) {
    throw new HttpProblem('nesting_too_deep', `context nests deeper than ${limits.maxDepth} levels`);
  }
  actions.forEach((action, i) => {
    const where = batch ? `actions[${i}]` : 'action';
    if (deeperThan(action, limits.maxDepth)) throw new HttpProblem('nesting_too_deep', `${where} nests deeper than ${limits.maxDepth} levels`);
    if (action.arguments !== undefined && Buffer.byteLength(JSON.stringify(action.arguments)) > limits.maxArgumentBytes) {
      throw new HttpProblem('arguments_too_large', `${where}.arguments is over ${limits.maxArgumentBytes} bytes`);
    }
  });
}

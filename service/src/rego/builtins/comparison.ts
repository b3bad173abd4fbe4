// Builtins of the "comparison" category: the infix operators ==, !=, <, <=, >, >= over Rego's total order.
import { compareValues, valuesEqual, type Value } from '../value.js';
import type { BuiltinDecl } from './types.js';

function comparison(name: string, test: (a: Value, b: Value) => boolean): BuiltinDecl {
  return { name, args: ['any', 'any'], result: 'boolean', impl: ([a, b]) => test(a, b) };
}

export const comparisonBuiltins: readonly BuiltinDecl[] = [
  comparison('equal', (a, b) => valuesEqual(a, b)),
  comparison('neq', (a, b) => !valuesEqual(a, b)),
  comparison('lt', (a, b) => compareValues(a, b) < 0),
  comparison('lte', (a, b) => compareValues(a, b) <= 0),
  comparison('gt', (a, b) => compareValues(a, b) > 0),
  comparison('gte', (a, b) => compareValues(a, b) >= 0),
];

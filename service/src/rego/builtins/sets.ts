// Builtins of the "sets" category: the infix operators & and |, and intersection/union over a set of sets.
import { isSet, RegoSet, type Value } from '../value.js';
import { operandError, type BuiltinDecl, type TypeSpec } from './types.js';

const ANY_SET: TypeSpec = { set: 'any' };

function setOperand(name: string, v: Value, position: number): RegoSet {
  if (!isSet(v)) throw operandError(name, position, 'set', v);
  return v;
}

function intersect(a: RegoSet, b: RegoSet): RegoSet {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  return new RegoSet(small.values().filter((v) => large.has(v)));
}

function union(sets: RegoSet[]): RegoSet {
  const out = new RegoSet();
  for (const s of sets) for (const v of s.values()) out.add(v);
  return out;
}

/** The members of a set of sets; each member must itself be a set (reported as operand 1). */
function setOfSets(name: string, v: Value): RegoSet[] {
  return setOperand(name, v, 1).values().map((s) => setOperand(name, s, 1));
}

export const setsBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'and',
    args: [ANY_SET, ANY_SET],
    result: ANY_SET,
    impl: ([a, b]) => intersect(setOperand('and', a, 1), setOperand('and', b, 2)),
  },
  {
    name: 'or',
    args: [ANY_SET, ANY_SET],
    result: ANY_SET,
    impl: ([a, b]) => union([setOperand('or', a, 1), setOperand('or', b, 2)]),
  },
  {
    name: 'intersection',
    args: [{ set: ANY_SET }],
    result: ANY_SET,
    impl: ([v]) => {
      const sets = setOfSets('intersection', v);
      if (sets.length === 0) return new RegoSet();
      return sets.slice(1).reduce(intersect, sets[0]);
    },
  },
  {
    name: 'union',
    args: [{ set: ANY_SET }],
    result: ANY_SET,
    impl: ([v]) => union(setOfSets('union', v)),
  },
];

// The coverage hook (`mcp-authz test --coverage`): records the rows of evaluated expressions and of
// rule heads whose bodies succeeded, per file. Compiled in only when asked for: without it the
// generated closures are the same as ever, so evaluation pays nothing.
import type { Loc } from '../ast.js';
import type { CompiledRule, CTerm, Goal } from './tree.js';

/** Rows hit, by file. */
export class CoverageRecorder {
  readonly hits = new Map<string, Set<number>>();

  hit(loc: Loc | undefined): void {
    if (loc === undefined || loc.file === '') return;
    let rows = this.hits.get(loc.file);
    if (rows === undefined) this.hits.set(loc.file, (rows = new Set()));
    rows.add(loc.row);
  }
}

/** `g`, recording `loc` each time it runs. */
export function covered(recorder: CoverageRecorder, loc: Loc | undefined, g: Goal): Goal {
  return (s, f, k) => {
    recorder.hit(loc);
    return g(s, f, k);
  };
}

/** A default rule whose value, when read, marks its head's row (its value is read, not its body run). */
export function coveredDefault(recorder: CoverageRecorder, rule: CompiledRule): CompiledRule {
  return {
    ...rule,
    clauses: rule.clauses.map((c) => {
      const v = c.value;
      if (v === undefined) return c;
      const get = v.get;
      const value: CTerm = {
        ...v,
        ...(get ? { get: (s, f) => (recorder.hit(c.loc), get(s, f)) } : {}),
        gen: (s, f, k) => (recorder.hit(c.loc), v.gen(s, f, k)),
      };
      return { ...c, value };
    }),
  };
}

// Evaluation tracing: the events a traced evaluation records (rule clauses entered, left or failed;
// expressions evaluated, failed or redone) and the goal wrappers that emit them. Only a program
// compiled for tracing contains these wrappers, so an untraced evaluation pays nothing for them.
import type { Expr } from '../ast.js';
import type { RegoLocation } from '../errors.js';
import type { EvalState, Frame } from './state.js';
import type { CTerm, Goal } from './tree.js';

/**
 * enter: a rule clause's body starts; exit: it produced a value; fail: an expression (or a whole
 * clause) had no solution; eval: an expression is about to run; redo: an expression yields another
 * solution after backtracking; note: a `print` call's output.
 */
export type TraceOp = 'enter' | 'exit' | 'eval' | 'fail' | 'redo' | 'note';

/** Where an event happened, fixed at compile time: one per rule clause and per expression. */
export interface TraceSite {
  kind: 'rule' | 'expr';
  /** The rule's full name (`data.pkg.rule`), or `query` for a query's own expressions. */
  rule: string;
  location: RegoLocation;
  /** The source text: the clause's head line, or the expression. */
  text: string;
}

export interface TraceEvent {
  op: TraceOp;
  /** Nesting: a clause's expressions are one deeper than its enter/exit/fail events. */
  depth: number;
  site: TraceSite;
  /** The printed line of a note. */
  message?: string;
}

/**
 * The tracer of the traced program's current evaluation. The program's closures hold it (evaluation
 * is synchronous, so one at a time), which keeps tracing out of the evaluation state entirely.
 */
export interface TraceHolder {
  tracer: Tracer;
}

/** Codegen settings of a traced program: the sources expression text is read from, the rule being compiled. */
export interface TraceCodegen {
  sources: ReadonlyMap<string, string>;
  rule: string;
  holder: TraceHolder;
}

/** Records the events of one traced evaluation, up to `maxEvents` (the rest are counted, not kept). */
export class Tracer {
  readonly events: TraceEvent[] = [];
  depth = 0;
  dropped = 0;
  /** Set by a clause's value when it was undefined: the clause then produced nothing (see tracedValue). */
  valueMissing = false;

  constructor(readonly maxEvents: number) {}

  emit(op: TraceOp, site: TraceSite, depth = this.depth, message?: string): void {
    if (this.events.length >= this.maxEvents) {
      this.dropped++;
      return;
    }
    const e: TraceEvent = { op, depth, site };
    if (message !== undefined) e.message = message;
    this.events.push(e);
  }
}

/** The expression's text: its source line from its column, cut at a `;` or comment outside brackets and strings. */
export function sourceText(sources: ReadonlyMap<string, string>, loc: RegoLocation): string {
  const source = sources.get(loc.file);
  if (source === undefined) return '';
  const line = source.split('\n')[loc.row - 1] ?? '';
  const from = line.slice(Math.max(0, loc.col - 1));
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < from.length; i++) {
    const ch = from[i];
    if (quote !== undefined) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      // The bracket closing what the expression sits in (a comprehension's `}`) ends it.
      if (--depth < 0) return from.slice(0, i).trim();
    } else if (depth === 0 && (ch === ';' || ch === '#')) return from.slice(0, i).trim();
  }
  return from.trim();
}

export function siteOf(trace: TraceCodegen, kind: TraceSite['kind'], location: RegoLocation): TraceSite {
  return { kind, rule: trace.rule, location, text: sourceText(trace.sources, location) };
}

/**
 * Wraps one expression of a traced body: `build` compiles the expression onto the continuation it is
 * given. Emits eval before it runs, redo for each solution after the first, fail when it had none.
 */
export function tracedExpr(trace: TraceCodegen, e: Expr, build: (next: Goal) => Goal, next: Goal): Goal {
  // The `true` body the parser gives a rule without one says nothing.
  if (e.kind === 'term' && e.term.type === 'scalar' && e.term.value === true && !e.negated && e.with.length === 0) return build(next);
  const site = siteOf(trace, 'expr', e.loc);
  const holder = trace.holder;
  // Solutions of the current run; saved around each run, so a nested run of the same goal counts apart.
  let solutions = 0;
  const after: Goal = (s, f, k) => {
    if (solutions++ > 0) holder.tracer.emit('redo', site);
    return next(s, f, k);
  };
  const goal = build(after);
  return (s, f, k) => {
    const t = holder.tracer;
    t.emit('eval', site);
    const outer = solutions;
    solutions = 0;
    try {
      const stop = goal(s, f, k);
      if (solutions === 0) t.emit('fail', site);
      return stop;
    } finally {
      solutions = outer;
    }
  };
}

/**
 * Wraps a traced clause body: enter, its expressions one level deeper, then exit for each value it
 * produced (`final` is the clause end) or fail when it produced none.
 */
export function tracedClause(trace: TraceCodegen, loc: RegoLocation, build: (final: Goal) => Goal, final: Goal): Goal {
  const site = siteOf(trace, 'rule', loc);
  const holder = trace.holder;
  let produced = 0;
  // exit follows the value's evaluation (the rules it reads show inside the clause).
  const end: Goal = (s, f, k) => {
    const t = holder.tracer;
    t.valueMissing = false;
    const stop = final(s, f, k);
    if (t.valueMissing) t.valueMissing = false;
    else {
      produced++;
      t.emit('exit', site, t.depth - 1);
    }
    return stop;
  };
  const body = build(end);
  return (s, f, k) => {
    const t = holder.tracer;
    t.emit('enter', site);
    t.depth++;
    const outer = produced;
    produced = 0;
    try {
      const stop = body(s, f, k);
      if (produced === 0) t.emit('fail', site, t.depth - 1);
      return stop;
    } finally {
      t.depth--;
      produced = outer;
    }
  };
}

/** The value of a traced default clause: taking it is an enter and an exit of that clause. */
export function tracedDefault(trace: TraceCodegen, loc: RegoLocation, value: CTerm): CTerm {
  const site = siteOf(trace, 'rule', loc);
  const holder = trace.holder;
  const report = (): void => {
    holder.tracer.emit('enter', site);
    holder.tracer.emit('exit', site);
  };
  const get = value.get;
  return {
    gen: (s, f, k) => {
      report();
      return value.gen(s, f, k);
    },
    ...(get ? { get: (s: EvalState, f: Frame) => (report(), get(s, f)) } : {}),
  };
}

/** A traced clause's value: when it is undefined, a fail of its expression, and the clause produces nothing. */
export function tracedValue(trace: TraceCodegen, loc: RegoLocation, value: CTerm): CTerm {
  const site = siteOf(trace, 'expr', loc);
  const holder = trace.holder;
  const missing = (): void => {
    holder.tracer.emit('fail', site);
    holder.tracer.valueMissing = true;
  };
  const get = value.get;
  return {
    gen: (s, f, k) => {
      let any = false;
      const stop = value.gen(s, f, (v) => {
        any = true;
        return k(v);
      });
      if (!any) missing();
      return stop;
    },
    ...(get
      ? {
          get: (s: EvalState, f: Frame) => {
            const v = get(s, f);
            if (v === undefined) missing();
            return v;
          },
        }
      : {}),
  };
}

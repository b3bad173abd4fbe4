// Compiler stage "codegen": turns checked rules into closures on their tree nodes and builds rule indexes.
import type { Body, Expr, Term } from '../ast.js';
import { scalarTerm, walkBody, walkTerm } from '../ast.js';
import type { BuiltinDecl } from '../builtins/types.js';
import type { Value } from '../value.js';
import { type CodegenContext, tempSlot } from '../eval/context.js';
import { covered, coveredDefault, type CoverageRecorder } from '../eval/coverage.js';
import { compileBody, DONE } from '../eval/exprs.js';
import { compilePattern, compileTerm, type Matcher } from '../eval/terms.js';
import { CLAUSE_END, type CompiledClause, type CompiledRule, type DataNode, type Get, type Goal } from '../eval/tree.js';
import { tracedClause, tracedDefault, tracedValue, type TraceCodegen, type TraceHolder } from '../eval/trace.js';
import { keyOf } from '../eval/values.js';
import type { Clause } from './resolve.js';
import type { PlacedRule } from './tree-build.js';

export interface CodegenShared {
  root: DataNode;
  builtins: ReadonlyMap<string, BuiltinDecl>;
  boundBefore: WeakMap<Expr, Set<string>>;
  coverage?: CoverageRecorder;
  /** Compile for tracing (see eval/trace.ts): the module sources expression text comes from, the tracer's holder. */
  trace?: { sources: ReadonlyMap<string, string>; holder: TraceHolder };
}

function newContext(shared: CodegenShared, rule?: string): CodegenContext {
  const ctx: CodegenContext = {
    root: shared.root, builtins: shared.builtins, boundBefore: shared.boundBefore, slots: new Map(), nslots: 0,
    ...(shared.coverage ? { coverage: shared.coverage } : {}),
  };
  if (shared.trace && rule !== undefined) ctx.trace = { ...shared.trace, rule };
  return ctx;
}

function isConstant(t: Term): boolean {
  let ok = true;
  walkTerm(t, (x) => {
    if (x.type === 'var' || x.type === 'ref' || x.type === 'call' || x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp') ok = false;
    return ok;
  });
  return ok;
}

/** A clause body compiled for tracing (see tracedClause). */
function tracedBody(ctx: CodegenContext, trace: TraceCodegen, clause: Clause, B: Set<string>): { goal: Goal; bound: Set<string> } {
  let bound = B;
  const goal = tracedClause(
    trace,
    clause.loc,
    (end) => {
      const r = compileBody(ctx, clause.body, B, end);
      bound = r.bound;
      return r.goal;
    },
    CLAUSE_END,
  );
  return { goal, bound };
}

function compileClause(shared: CodegenShared, clause: Clause, suffix: Term[], rule: string, valueOnlyDefault: boolean): CompiledClause {
  const ctx = newContext(shared, rule);
  const B = new Set<string>();
  const args = clause.args ?? [];
  const argsSlot = args.length > 0 ? tempSlot(ctx) : -1;
  let bodyGoal: Goal = DONE;
  const matchers: Matcher[] = [];
  args.forEach((a, i) => {
    const next: Goal = i === args.length - 1 ? (s, f, k) => bodyGoal(s, f, k) : (s, f, k) => matchers[i + 1](s, f, k, (f[argsSlot] as Value[])[i + 1]);
    matchers.push(compilePattern(ctx, a, B, next));
  });
  // With coverage, a clause whose body succeeds marks its head's row, as OPA's rule exit does.
  const end = shared.coverage === undefined ? CLAUSE_END : covered(shared.coverage, clause.loc, CLAUSE_END);
  const { goal, bound } = ctx.trace ? tracedBody(ctx, ctx.trace, clause, B) : compileBody(ctx, clause.body, B, end);
  bodyGoal = goal;
  const valueTerm = clause.value ?? scalarTerm(true, clause.loc);
  let value = compileTerm(ctx, valueTerm, new Set(bound));
  // A default's body never runs (evalComplete takes its value): its value reports it instead.
  if (ctx.trace && valueOnlyDefault) value = tracedDefault(ctx.trace, clause.loc, value);
  else if (ctx.trace && clause.value) value = tracedValue(ctx.trace, clause.value.loc, value);
  const suffixTerms = suffix.map((t) => compileTerm(ctx, t, new Set(bound)));
  const first = matchers[0];
  return {
    nslots: ctx.nslots,
    run: (s, f, argv, k) => {
      if (!argv || !first) return goal(s, f, k);
      f[argsSlot] = argv;
      return first(s, f, k, argv[0]);
    },
    body: goal,
    value,
    constant: isConstant(valueTerm),
    suffix: suffixTerms,
    loc: clause.loc,
    spare: undefined,
  };
}

/** `ref == constant` (or `=`) at the top of a body, with a ground input ref: the index key candidate. */
function indexCondition(body: Body): { ref: Term; key: string; value: Value } | undefined {
  for (const e of body) {
    if (e.negated || e.with.length > 0) continue;
    let a: Term | undefined;
    let b: Term | undefined;
    if (e.kind === 'term' && e.term.type === 'call' && e.term.fn.type === 'var' && e.term.fn.name === 'equal' && e.term.args.length === 2) [a, b] = e.term.args;
    else if (e.kind === 'unify') [a, b] = [e.left, e.right];
    if (!a || !b) continue;
    if (a.type === 'scalar') [a, b] = [b, a];
    if (b.type !== 'scalar' || a.type !== 'ref' || a.head.type !== 'var' || a.head.name !== 'input') continue;
    if (!a.path.every((p) => p.type === 'scalar')) continue;
    return { ref: a, key: a.path.map((p) => keyOf((p as { value: Value }).value)).join('\u0001'), value: b.value as Value };
  }
  return undefined;
}

function buildIndex(shared: CodegenShared, node: DataNode, placed: PlacedRule[]): void {
  const rules = node.rules;
  if (rules.length < 4) return;
  const conds = placed.map((p) => (p.resolved.clauses.length === 1 ? indexCondition(p.resolved.clauses[0].body) : undefined));
  const counts = new Map<string, number>();
  for (const c of conds) if (c) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
  let best: string | undefined;
  for (const [k, n] of counts) if (n >= 2 && (!best || n > counts.get(best)!)) best = k;
  if (!best) return;
  let refTerm: Term | undefined;
  const rest: CompiledRule[] = [];
  const keyed = new Map<string, CompiledRule[]>();
  conds.forEach((c, i) => {
    if (c && c.key === best) {
      refTerm = c.ref;
      const k = keyOf(c.value);
      const list = keyed.get(k) ?? [];
      list.push(rules[i]);
      keyed.set(k, list);
    } else rest.push(rules[i]);
  });
  const byKey = new Map<string, CompiledRule[]>();
  for (const [k, list] of keyed) byKey.set(k, [...list, ...rest].sort((x, y) => x.order - y.order));
  const get: Get | undefined = compileTerm(newContext(shared), refTerm!, new Set()).get;
  if (!get) return;
  node.index = { ref: get, byKey, rest };
}

function callsPrint(placed: PlacedRule[]): boolean {
  let found = false;
  const visit = (t: Term): boolean | undefined => {
    // Calls, and `with ... as print` replacements alike.
    if (t.type === 'var' && t.name === 'print') found = true;
    return !found;
  };
  for (const p of placed) {
    for (const c of p.resolved.clauses) {
      walkBody(c.body, visit);
      if (c.value) walkTerm(c.value, visit);
    }
  }
  return found;
}

/** Compiles every placed rule onto its node, then indexes nodes with many rules. */
export function generate(shared: CodegenShared, placed: PlacedRule[]): void {
  const memoizable = !callsPrint(placed);
  const byNode = new Map<DataNode, PlacedRule[]>();
  placed.forEach((p, order) => {
    const rule: CompiledRule = {
      kind: p.resolved.rule.kind,
      order,
      arity: p.resolved.rule.head.args?.length,
      clauses: p.resolved.clauses.map((c) => compileClause(shared, c, p.suffix, p.node.name, p.resolved.rule.isDefault && p.resolved.rule.kind !== 'function')),
      loc: p.resolved.rule.loc,
    };
    if (rule.kind === 'function') p.node.memoizable = memoizable;
    if (p.resolved.rule.isDefault) p.node.defaultRule = shared.coverage ? coveredDefault(shared.coverage, rule) : rule;
    else {
      p.node.rules.push(rule);
      const list = byNode.get(p.node) ?? [];
      list.push(p);
      byNode.set(p.node, list);
    }
  });
  for (const [node, list] of byNode) {
    buildIndex(shared, node, list);
    // A constant rule is read without running its clause: under coverage it runs, so its head counts.
    if (shared.coverage === undefined) setConstant(node, list);
  }
}

function trivialBody(body: Body): boolean {
  return body.every((e) => e.kind === 'term' && !e.negated && e.with.length === 0 && e.term.type === 'scalar' && e.term.value === true);
}

/** A complete rule with one unconditional constant definition has the same value in every query. */
function setConstant(node: DataNode, list: PlacedRule[]): void {
  if (node.kind !== 'complete' || node.rules.length !== 1 || list.length !== 1 || node.children.size > 0) return;
  const clause = list[0].resolved.clauses[0];
  if (!clause || clause.args || !trivialBody(clause.body)) return;
  const v = (node.rules[0].clauses[0].value?.get as { constant?: Value } | undefined)?.constant;
  if (v !== undefined) node.constValue = v;
}

// Compiler stages "functions" (unknown functions, arity) and "recursion" (cycles between rules).
import type { Body, Term } from '../ast.js';
import { walkBody, walkTerm } from '../ast.js';
import type { BuiltinDecl } from '../builtins/types.js';
import { UNSUPPORTED_BUILTINS } from '../builtins/index.js';
import type { ErrorList } from '../errors.js';
import { arityOf, resolveCallee } from '../eval/calls.js';
import type { DataNode } from '../eval/tree.js';
import { keyOf } from '../eval/values.js';
import type { Value } from '../value.js';
import type { PlacedRule } from './tree-build.js';

function clauseTerms(p: PlacedRule): { bodies: Body[]; terms: Term[] } {
  const bodies: Body[] = [];
  const terms: Term[] = [...p.suffix];
  for (const c of p.resolved.clauses) {
    bodies.push(c.body);
    if (c.value) terms.push(c.value);
    if (c.args) terms.push(...c.args);
  }
  return { bodies, terms };
}

function eachTerm(p: { bodies: Body[]; terms: Term[] }, fn: (t: Term) => void): void {
  for (const b of p.bodies) walkBody(b, (t) => fn(t));
  for (const t of p.terms) walkTerm(t, (x) => fn(x));
}

/** Reports calls to unknown functions and calls with the wrong number of arguments. */
export function checkCalls(ctx: { root: DataNode; builtins: ReadonlyMap<string, BuiltinDecl> }, bodies: Body[], terms: Term[], errors: ErrorList): void {
  eachTerm({ bodies, terms }, (t) => {
    if (t.type !== 'call') return;
    const callee = resolveCallee(ctx, t.fn);
    if (callee.kind === 'unknown') {
      const reason = UNSUPPORTED_BUILTINS.get(callee.name);
      errors.add('rego_type_error', `undefined function ${callee.name}${reason ? `: builtin not supported by mcp-authz (${reason})` : ''}`, t.loc);
      return;
    }
    const arity = arityOf(callee);
    if (arity !== undefined && t.args.length !== arity && t.args.length !== arity + 1) {
      errors.add('rego_type_error', `${callee.name}: arity mismatch: have ${t.args.length} arguments, want ${arity}`, t.loc);
    }
  });
}

export function checkAllCalls(ctx: { root: DataNode; builtins: ReadonlyMap<string, BuiltinDecl> }, placed: PlacedRule[], errors: ErrorList): void {
  for (const p of placed) {
    const { bodies, terms } = clauseTerms(p);
    checkCalls(ctx, bodies, terms, errors);
  }
}

/** Nodes a data ref may read: the node at its constant prefix and, when it stops early, everything below. */
function refTargets(root: DataNode, t: Term, out: Set<DataNode>): void {
  if (t.type !== 'ref' || t.head.type !== 'var' || t.head.name !== 'data') return;
  let node = root;
  for (const p of t.path) {
    if (p.type !== 'scalar') break;
    const child = node.children.get(keyOf(p.value as Value));
    if (!child) return;
    node = child;
    if (node.kind !== 'none') break;
  }
  const addAll = (n: DataNode): void => {
    if (n.kind !== 'none') out.add(n);
    n.children.forEach(addAll);
  };
  addAll(node);
}

/** Reports every rule that depends on itself, with the cycle. */
export function checkRecursion(root: DataNode, placed: PlacedRule[], errors: ErrorList): void {
  const deps = new Map<DataNode, Set<DataNode>>();
  const firstRule = new Map<DataNode, PlacedRule>();
  for (const p of placed) {
    if (!firstRule.has(p.node)) firstRule.set(p.node, p);
    const set = deps.get(p.node) ?? new Set<DataNode>();
    deps.set(p.node, set);
    eachTerm(clauseTerms(p), (t) => {
      if (t.type === 'ref') refTargets(root, t, set);
      if (t.type === 'call') refTargets(root, t.fn, set);
    });
  }
  const reported = new Set<DataNode>();
  const state = new Map<DataNode, number>();
  const stack: DataNode[] = [];
  const visit = (n: DataNode): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const st = state.get(d);
      if (st === 1) {
        const cycle = stack.slice(stack.indexOf(d)).concat(d);
        if (!reported.has(d)) {
          reported.add(d);
          const p = firstRule.get(d)!;
          errors.add('rego_recursion_error', `rule ${d.name} is recursive: ${cycle.map((c) => c.name).join(' -> ')}`, p.resolved.rule.loc);
        }
      } else if (st === undefined) visit(d);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of deps.keys()) if (!state.has(n)) visit(n);
}

// Rego abstract syntax tree: terms, expressions, rules and modules, each with a source location.
import type { RegoLocation } from './errors.js';

export type Loc = RegoLocation;
export type Scalar = null | boolean | number | bigint | string;

export type Term =
  | { type: 'scalar'; value: Scalar; loc: Loc }
  | { type: 'var'; name: string; loc: Loc }
  | { type: 'ref'; head: Term; path: Term[]; loc: Loc }
  | { type: 'array'; items: Term[]; loc: Loc }
  | { type: 'set'; items: Term[]; loc: Loc }
  | { type: 'object'; entries: [Term, Term][]; loc: Loc }
  | { type: 'arraycomp'; term: Term; body: Body; loc: Loc }
  | { type: 'setcomp'; term: Term; body: Body; loc: Loc }
  | { type: 'objectcomp'; key: Term; value: Term; body: Body; loc: Loc }
  | { type: 'call'; fn: Term; args: Term[]; loc: Loc; /** An operator: always the builtin, never a rule. */ infix?: boolean };

export type TermOf<K extends Term['type']> = Extract<Term, { type: K }>;

export interface WithModifier {
  target: Term;
  value: Term;
  loc: Loc;
}

export type ExprKind =
  | { kind: 'term'; term: Term }
  | { kind: 'unify'; left: Term; right: Term }
  | { kind: 'assign'; left: Term; right: Term }
  | { kind: 'some'; vars: TermOf<'var'>[] }
  | { kind: 'somein'; key?: Term; value: Term; collection: Term }
  | { kind: 'every'; key?: Term; value: Term; domain: Term; body: Body }
  /** `not { … }` (rego.v2 / future.keywords.not): true when the body has no solution; its vars stay inside. */
  | { kind: 'notbody'; body: Body };

export type Expr = ExprKind & { negated: boolean; with: WithModifier[]; loc: Loc };

export type Body = Expr[];

export type RuleKind = 'complete' | 'multi' | 'function';

export interface RuleHead {
  /** Head reference: the rule name followed by constant or variable path terms. */
  ref: Term[];
  /** Function arguments (functions only). */
  args?: Term[];
  /** The value (single-value rules) or the element (multi-value rules). */
  value?: Term;
  assign: boolean;
}

export interface ElseClause {
  value?: Term;
  body: Body;
  loc: Loc;
}

export interface Rule {
  kind: RuleKind;
  isDefault: boolean;
  head: RuleHead;
  body: Body;
  elses: ElseClause[];
  loc: Loc;
}

export interface Import {
  path: Term;
  alias?: string;
  loc: Loc;
}

export interface Module {
  file: string;
  /** Package path without the leading `data`. */
  pkg: string[];
  pkgLoc: Loc;
  imports: Import[];
  rules: Rule[];
}

export function scalarTerm(value: Scalar, loc: Loc): Term {
  return { type: 'scalar', value, loc };
}

export function varTerm(name: string, loc: Loc): TermOf<'var'> {
  return { type: 'var', name, loc };
}

/** Calls every nested term (pre-order); return false from `fn` to skip a term's children. */
export function walkTerm(t: Term, fn: (t: Term) => boolean | void): void {
  if (fn(t) === false) return;
  switch (t.type) {
    case 'ref':
      walkTerm(t.head, fn);
      t.path.forEach((p) => walkTerm(p, fn));
      break;
    case 'array':
    case 'set':
      t.items.forEach((x) => walkTerm(x, fn));
      break;
    case 'object':
      t.entries.forEach(([k, v]) => {
        walkTerm(k, fn);
        walkTerm(v, fn);
      });
      break;
    case 'arraycomp':
    case 'setcomp':
      walkTerm(t.term, fn);
      walkBody(t.body, fn);
      break;
    case 'objectcomp':
      walkTerm(t.key, fn);
      walkTerm(t.value, fn);
      walkBody(t.body, fn);
      break;
    case 'call':
      walkTerm(t.fn, fn);
      t.args.forEach((a) => walkTerm(a, fn));
      break;
  }
}

export function walkExpr(e: Expr, fn: (t: Term) => boolean | void): void {
  switch (e.kind) {
    case 'term':
      walkTerm(e.term, fn);
      break;
    case 'unify':
    case 'assign':
      walkTerm(e.left, fn);
      walkTerm(e.right, fn);
      break;
    case 'some':
      e.vars.forEach((v) => walkTerm(v, fn));
      break;
    case 'somein':
      if (e.key) walkTerm(e.key, fn);
      walkTerm(e.value, fn);
      walkTerm(e.collection, fn);
      break;
    case 'every':
      if (e.key) walkTerm(e.key, fn);
      walkTerm(e.value, fn);
      walkTerm(e.domain, fn);
      walkBody(e.body, fn);
      break;
    case 'notbody':
      walkBody(e.body, fn);
      break;
  }
  for (const w of e.with) {
    walkTerm(w.target, fn);
    walkTerm(w.value, fn);
  }
}

export function walkBody(b: Body, fn: (t: Term) => boolean | void): void {
  for (const e of b) walkExpr(e, fn);
}

/** The dotted name of a ref whose path is all string constants (e.g. "strings.replace_n"), else undefined. */
export function refName(t: Term): string | undefined {
  if (t.type === 'var') return t.name;
  if (t.type !== 'ref' || t.head.type !== 'var') return undefined;
  let name = t.head.name;
  for (const p of t.path) {
    if (p.type !== 'scalar' || typeof p.value !== 'string') return undefined;
    name += '.' + p.value;
  }
  return name;
}

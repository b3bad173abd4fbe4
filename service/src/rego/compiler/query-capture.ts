// Query stage "capture": each term expression of a query reports its value, as OPA's rego package does.
//
// A term expression `t` becomes `$capN = t` and a call `f(a)` (without its output argument) becomes
// `$capN = f(a)`, so a query like `data.p.allow` or `1 == 2` answers `false` instead of failing.
// When the query has several expressions or iterates, a generated check `$capN` is appended so a
// false value still makes the whole query fail (OPA: a query's solutions must all be true).
import type { Body, Expr, Term } from '../ast.js';
import { refName, varTerm, walkBody } from '../ast.js';
import type { BuiltinDecl } from '../builtins/types.js';
import { arityOf, resolveCallee } from '../eval/calls.js';
import type { DataNode } from '../eval/tree.js';
import { GENERATED } from './resolve.js';

export interface CapturedQuery {
  body: Body;
  /** Per expression the user wrote: the var holding its value, or undefined when its value is `true`. */
  captures: (string | undefined)[];
}

/** Builtins that enumerate (OPA calls them relations): calling one is iteration. */
const RELATIONS = new Set(['walk']);

/** True when the query iterates: a ref with a var after its head, or a relation, outside comprehensions. */
function iterates(body: Body): boolean {
  let found = false;
  walkBody(body, (t) => {
    if (found) return false;
    if (t.type === 'arraycomp' || t.type === 'setcomp' || t.type === 'objectcomp') return false;
    if (t.type === 'ref' && t.path.some((p) => p.type === 'var')) found = true;
    if (t.type === 'call' && RELATIONS.has(refName(t.fn) ?? '')) found = true;
    return undefined;
  });
  return found;
}

function captured(e: Expr, ctx: { root: DataNode; builtins: ReadonlyMap<string, BuiltinDecl> }): Term | undefined {
  if (e.kind !== 'term' || e.negated) return undefined;
  if (e.term.type !== 'call') return e.term;
  const arity = arityOf(resolveCallee(ctx, e.term.fn));
  return arity !== undefined && e.term.args.length === arity ? e.term : undefined;
}

/** Rewrites a resolved query body so that each term expression's value is bound to a generated var. */
export function captureQueryValues(body: Body, ctx: { root: DataNode; builtins: ReadonlyMap<string, BuiltinDecl> }): CapturedQuery {
  const check = body.length > 1 || iterates(body);
  const out: Body = [];
  const checks: Body = [];
  const captures: (string | undefined)[] = [];
  body.forEach((e, i) => {
    const term = captured(e, ctx);
    if (!term) {
      out.push(e);
      captures.push(undefined);
      return;
    }
    const name = `${GENERATED}cap${i}`;
    const v = varTerm(name, e.loc);
    out.push({ kind: 'unify', left: v, right: term, negated: false, with: e.with, loc: e.loc });
    captures.push(name);
    if (check) checks.push({ kind: 'term', term: varTerm(name, e.loc), negated: false, with: [], loc: e.loc });
  });
  return { body: [...out, ...checks], captures };
}

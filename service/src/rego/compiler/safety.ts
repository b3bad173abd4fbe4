// Compiler stage "safety": reorders body expressions so every var is bound before use; reports unsafe vars.
import type { Body, Expr, Term } from '../ast.js';
import { varTerm, walkBody, walkTerm } from '../ast.js';
import type { ErrorList } from '../errors.js';
import { termVars } from './resolve.js';

export interface SafetyContext {
  errors: ErrorList;
  /** Original name of a var, for messages. */
  displayName(v: string): string;
  /** True when a call passes one more argument than its function takes (the last one is an output). */
  isOutputCall(call: Extract<Term, { type: 'call' }>): boolean;
  /** True when a term names a builtin or user function (a `with` replacement). */
  isFunction(t: Term): boolean;
  /** Vars already reported unsafe (one error per var). */
  reported: Set<string>;
  /** Bound vars before each expression, recorded for code generation. */
  boundBefore: WeakMap<Expr, Set<string>>;
}

interface Need {
  needs: Set<string>;
  outs: Set<string>;
}

const isWildcard = (v: string): boolean => v.startsWith('$_');

const CLOSURES = new Set(['arraycomp', 'setcomp', 'objectcomp']);

/** Vars of a term at this body level, not inside closures (comprehensions). */
function levelVars(t: Term, into: Set<string>): void {
  walkTerm(t, (x) => {
    if (CLOSURES.has(x.type)) return false;
    if (x.type === 'var' && x.name !== 'input' && x.name !== 'data') into.add(x.name);
    if (x.type === 'call') {
      x.args.forEach((a) => levelVars(a, into));
      return false;
    }
    return undefined;
  });
}

function exprLevelVars(e: Expr, into: Set<string>): void {
  switch (e.kind) {
    case 'term':
      levelVars(e.term, into);
      break;
    case 'unify':
    case 'assign':
      levelVars(e.left, into);
      levelVars(e.right, into);
      break;
    case 'some':
      break;
    case 'somein':
      if (e.key) levelVars(e.key, into);
      levelVars(e.value, into);
      levelVars(e.collection, into);
      break;
    case 'every':
      levelVars(e.domain, into);
      break;
    case 'notbody':
      break;
  }
  for (const w of e.with) levelVars(w.value, into);
}

function closureVars(t: Term): Set<string> {
  return termVars(t);
}

class BodyChecker {
  /** Vars of the body being checked, outside closures. */
  private level = new Set<string>();

  constructor(
    private readonly ctx: SafetyContext,
    /** Vars visible from enclosing bodies (closure members referring to these are outer vars). */
    private readonly outer: Set<string>,
  ) {}

  private isOuter(v: string): boolean {
    return this.outer.has(v) || this.level.has(v);
  }

  /** Needs/outs of evaluating a term as a value. */
  value(t: Term, B: Set<string>, n: Need): void {
    switch (t.type) {
      case 'scalar':
        return;
      case 'var':
        if (t.name !== 'input' && t.name !== 'data' && !B.has(t.name)) n.needs.add(t.name);
        return;
      case 'ref':
        this.value(t.head, B, n);
        for (const p of t.path) {
          if (p.type === 'var') {
            if (!B.has(p.name)) n.outs.add(p.name);
          } else if (p.type === 'array' || p.type === 'object') this.pattern(p, B, n);
          else this.value(p, B, n);
        }
        return;
      case 'array':
      case 'set':
        t.items.forEach((x) => this.value(x, B, n));
        return;
      case 'object':
        t.entries.forEach(([k, v]) => {
          this.value(k, B, n);
          this.value(v, B, n);
        });
        return;
      case 'call':
        t.args.forEach((a) => this.value(a, B, n));
        return;
      default:
        for (const v of closureVars(t)) if (this.isOuter(v) && !B.has(v)) n.needs.add(v);
    }
  }

  /** Needs/outs of matching a term as a pattern: bare unbound vars become outputs. */
  pattern(t: Term, B: Set<string>, n: Need): void {
    if (t.type === 'var') {
      if (t.name !== 'input' && t.name !== 'data' && !B.has(t.name)) n.outs.add(t.name);
    } else if (t.type === 'array') t.items.forEach((x) => this.pattern(x, B, n));
    else if (t.type === 'object')
      t.entries.forEach(([k, v]) => {
        this.value(k, B, n);
        this.pattern(v, B, n);
      });
    else this.value(t, B, n);
  }

  private evaluable(t: Term, B: Set<string>): Need | undefined {
    const n: Need = { needs: new Set(), outs: new Set() };
    this.value(t, B, n);
    for (const v of n.needs) if (!n.outs.has(v)) return undefined;
    return n;
  }

  private matchable(t: Term, B: Set<string>): Need | undefined {
    const n: Need = { needs: new Set(), outs: new Set() };
    this.pattern(t, B, n);
    for (const v of n.needs) if (!n.outs.has(v)) return undefined;
    return n;
  }

  /** Output vars of unifying a and b given B, or undefined when it cannot run yet. */
  unify(a: Term, b: Term, B: Set<string>): Set<string> | undefined {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const ex = this.evaluable(x, B);
      if (ex) {
        const B2 = new Set([...B, ...ex.outs]);
        const m = this.matchable(y, B2);
        if (m) return new Set([...ex.outs, ...m.outs]);
      }
    }
    let pairs: [Term, Term][] | undefined;
    if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) pairs = a.items.map((x, i) => [x, b.items[i]]);
    if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
      pairs = [];
      for (const [k, v] of a.entries) {
        const other = b.entries.find(([k2]) => k2.type === 'scalar' && k.type === 'scalar' && k2.value === k.value);
        if (!other) return undefined;
        pairs.push([v, other[1]]);
      }
    }
    if (!pairs) return undefined;
    const cur = new Set(B);
    let pending = pairs;
    while (pending.length > 0) {
      const next: [Term, Term][] = [];
      for (const [x, y] of pending) {
        const o = this.unify(x, y, cur);
        if (o) o.forEach((v) => cur.add(v));
        else next.push([x, y]);
      }
      if (next.length === pending.length) return undefined;
      pending = next;
    }
    return new Set([...cur].filter((v) => !B.has(v)));
  }

  /** Output vars of an expression given B, or undefined when it cannot run yet. */
  outputs(e: Expr, B: Set<string>): Set<string> | undefined {
    for (const w of e.with) if (!this.ctx.isFunction(w.value) && !this.evaluable(w.value, B)) return undefined;
    let outs: Set<string> | undefined;
    switch (e.kind) {
      case 'term': {
        const t = e.term;
        if (t.type === 'call' && this.ctx.isOutputCall(t)) {
          const n: Need = { needs: new Set(), outs: new Set() };
          t.args.slice(0, -1).forEach((a) => this.value(a, B, n));
          if ([...n.needs].some((v) => !n.outs.has(v))) return undefined;
          const m = this.matchable(t.args[t.args.length - 1], new Set([...B, ...n.outs]));
          if (!m) return undefined;
          outs = new Set([...n.outs, ...m.outs]);
        } else outs = this.evaluable(t, B)?.outs;
        break;
      }
      case 'unify':
      case 'assign':
        outs = this.unify(e.left, e.right, B);
        break;
      case 'some':
        outs = new Set();
        break;
      case 'somein': {
        const c = this.evaluable(e.collection, B);
        if (!c) return undefined;
        const B2 = new Set([...B, ...c.outs]);
        const n: Need = { needs: new Set(), outs: new Set(c.outs) };
        if (e.key) this.pattern(e.key, B2, n);
        this.pattern(e.value, B2, n);
        if ([...n.needs].some((v) => !n.outs.has(v))) return undefined;
        outs = n.outs;
        break;
      }
      case 'every': {
        const c = this.evaluable(e.domain, B);
        if (!c) return undefined;
        const inner = new Set<string>();
        e.body.forEach((x) => walkExprVars(x, inner));
        for (const v of inner) if (this.isOuter(v) && !B.has(v) && !c.outs.has(v)) return undefined;
        outs = c.outs;
        break;
      }
      case 'notbody':
        // Runs once every outer var it mentions is bound; binds nothing outside.
        if (this.unboundOuter(e, B).length > 0) return undefined;
        outs = new Set();
        break;
    }
    if (!outs) return undefined;
    if (e.negated) {
      for (const v of outs) if (!isWildcard(v) && !v.includes('$')) return undefined;
      return new Set();
    }
    return outs;
  }

  /** Outer vars (enclosing levels) that a `not { … }` body mentions and B does not bind. */
  private unboundOuter(e: Expr, B: Set<string>): string[] {
    const inner = new Set<string>();
    walkExprVars(e, inner);
    return [...inner].filter((v) => this.isOuter(v) && !B.has(v));
  }

  /** Reorders `body` in place for safety; returns the vars bound after it. */
  check(body: Body, B0: Set<string>): Set<string> {
    const level = new Set<string>();
    body.forEach((e) => exprLevelVars(e, level));
    this.level = level;
    const B = new Set(B0);
    const ordered: Expr[] = [];
    const remaining = new Set(body);
    for (;;) {
      const before = ordered.length;
      for (const e of body) {
        if (!remaining.has(e)) continue;
        const outs = this.outputs(e, B);
        if (!outs) continue;
        this.ctx.boundBefore.set(e, new Set(B));
        this.nested(e, B, level);
        outs.forEach((v) => B.add(v));
        ordered.push(e);
        remaining.delete(e);
      }
      if (ordered.length === before) break;
    }
    if (remaining.size > 0) this.reportUnsafe([...remaining], B);
    body.splice(0, body.length, ...ordered, ...[...remaining]);
    return B;
  }

  nested(e: Expr, B: Set<string>, level: Set<string>): void {
    const outer = new Set([...this.outer, ...level, ...B]);
    const visit = (t: Term): void => {
      walkTerm(t, (x) => {
        if (x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp') {
          const sub = new BodyChecker(this.ctx, outer);
          const after = sub.check(x.body, B);
          const heads = x.type === 'objectcomp' ? [x.key, x.value] : [x.term];
          for (const h of heads) {
            visit(h);
            for (const v of termVars(h)) if (!after.has(v)) this.unsafe(v, h);
          }
          return false;
        }
        return undefined;
      });
    };
    switch (e.kind) {
      case 'term':
        visit(e.term);
        break;
      case 'unify':
      case 'assign':
        visit(e.left);
        visit(e.right);
        break;
      case 'somein':
        visit(e.collection);
        break;
      case 'every': {
        visit(e.domain);
        const Bi = new Set(B);
        const n: Need = { needs: new Set(), outs: new Set() };
        if (e.key) this.pattern(e.key, Bi, n);
        this.pattern(e.value, Bi, n);
        this.value(e.domain, B, n);
        n.outs.forEach((v) => Bi.add(v));
        new BodyChecker(this.ctx, outer).check(e.body, Bi);
        break;
      }
      case 'notbody':
        new BodyChecker(this.ctx, outer).check(e.body, new Set(B));
        break;
      case 'some':
        break;
    }
    for (const w of e.with) if (!this.ctx.isFunction(w.value)) visit(w.value);
  }

  private reportUnsafe(exprs: Expr[], B: Set<string>): void {
    const seen = new Set<string>();
    for (const e of exprs) {
      if (e.kind === 'notbody') {
        for (const v of this.unboundOuter(e, B)) {
          if (seen.has(v)) continue;
          seen.add(v);
          this.unsafe(v, firstVar(e.body, v) ?? varTerm(v, e.loc));
        }
        continue;
      }
      walkExprTerms(e, (t) => {
        if (t.type === 'var' && t.name !== 'input' && t.name !== 'data' && !B.has(t.name) && !seen.has(t.name)) {
          seen.add(t.name);
          this.unsafe(t.name, t);
        }
      });
    }
    if (seen.size === 0 && exprs.length > 0) this.ctx.errors.add('rego_unsafe_var_error', 'expression is unsafe', exprs[0].loc);
  }

  unsafe(v: string, at: Term): void {
    if (this.ctx.reported.has(v)) return;
    this.ctx.reported.add(v);
    let loc = at.loc;
    walkTerm(at, (x) => {
      if (x.type === 'var' && x.name === v) {
        loc = x.loc;
        return false;
      }
      return undefined;
    });
    this.ctx.errors.add('rego_unsafe_var_error', `var ${this.ctx.displayName(v)} is unsafe`, loc);
  }
}

function walkExprTerms(e: Expr, fn: (t: Term) => void): void {
  const visit = (t: Term): void =>
    walkTerm(t, (x) => {
      if (x.type === 'call') {
        x.args.forEach(visit);
        return false;
      }
      fn(x);
      return undefined;
    });
  switch (e.kind) {
    case 'term':
      visit(e.term);
      break;
    case 'unify':
    case 'assign':
      visit(e.left);
      visit(e.right);
      break;
    case 'somein':
      if (e.key) visit(e.key);
      visit(e.value);
      visit(e.collection);
      break;
    case 'every':
      visit(e.domain);
      break;
    case 'notbody':
    case 'some':
      break;
  }
  for (const w of e.with) if (w.value.type !== 'var') visit(w.value);
}

function walkExprVars(e: Expr, into: Set<string>): void {
  walkExprTerms(e, (t) => {
    if (t.type === 'var') into.add(t.name);
  });
  if (e.kind === 'every' || e.kind === 'notbody') e.body.forEach((x) => walkExprVars(x, into));
}

/** The first occurrence of var `v` in a body, for error locations. */
function firstVar(body: Body, v: string): Term | undefined {
  let found: Term | undefined;
  walkBody(body, (t) => {
    if (found) return false;
    if (t.type === 'var' && t.name === v) found = t;
    return undefined;
  });
  return found;
}

/** Checks one body (rule body, else body or query): reorders in place, records bound sets, reports unsafe vars. */
export function checkBody(ctx: SafetyContext, body: Body, bound: Set<string>): Set<string> {
  return new BodyChecker(ctx, new Set()).check(body, bound);
}

/** Reports head vars (value, key, ref) that the body does not bind, and checks closures in them. */
export function checkHeadVars(ctx: SafetyContext, terms: Term[], bound: Set<string>): void {
  const checker = new BodyChecker(ctx, new Set());
  for (const t of terms) {
    const n: Need = { needs: new Set(), outs: new Set() };
    checker.value(t, bound, n);
    for (const v of n.needs) if (!bound.has(v) && !n.outs.has(v)) checker.unsafe(v, t);
    checker.nested({ kind: 'term', term: t, negated: false, with: [], loc: t.loc }, bound, new Set());
  }
}

/** Vars bound by matching a pattern (function arguments). */
export function patternVars(terms: Term[]): Set<string> {
  const out = new Set<string>();
  for (const t of terms) termVars(t, out);
  return out;
}

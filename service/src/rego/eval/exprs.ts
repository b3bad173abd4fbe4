// Code generation for expressions and bodies: each goal runs, then calls its statically chained next goal.
import type { Body, Expr, Term, WithModifier } from '../ast.js';
import { RegoError } from '../errors.js';
import { RegoObject, RegoSet, isPlainObject, type PlainObject, type Value } from '../value.js';
import { arityOf, compileOutputCall, resolveCallee } from './calls.js';
import { type CodegenContext, findNode, tempSlot } from './context.js';
import { Memo, type EvalState, type Frame, type K, type Mock } from './state.js';
import { compilePattern, compileTerm, unboundValueVars, type Matcher } from './terms.js';
import { tracedExpr } from './trace.js';
import { overlay, type Goal } from './tree.js';
import { enumerate } from './values.js';
import { covered } from './coverage.js';

export const DONE: Goal = (_s, _f, k) => k();
const STOP: K = () => true;

/** Compiles a body into one goal ending in `final`; returns the vars bound after it. */
export function compileBody(ctx: CodegenContext, body: Body, B: Set<string>, final: Goal): { goal: Goal; bound: Set<string> } {
  const befores = body.map((e) => new Set([...B, ...(ctx.boundBefore.get(e) ?? [])]));
  let bound = new Set(B);
  if (body.length > 0) {
    bound = new Set(befores[body.length - 1]);
    compileExpr(ctx, body[body.length - 1], bound, DONE);
  }
  let next = final;
  const trace = ctx.trace;
  for (let i = body.length - 1; i >= 0; i--) {
    next = trace ? tracedExpr(trace, body[i], (n) => compileExpr(ctx, body[i], new Set(befores[i]), n), next) : compileExpr(ctx, body[i], new Set(befores[i]), next);
  }
  return { goal: next, bound };
}

function withStep(e: Expr, g: Goal): Goal {
  return stepped(e.loc, g);
}

function stepped(loc: Expr['loc'], g: Goal): Goal {
  return (s, f, k) => {
    s.step(loc);
    return g(s, f, k);
  };
}

export function compileExpr(ctx: CodegenContext, e: Expr, B: Set<string>, next: Goal): Goal {
  const g = compileExprGoal(ctx, e, B, next);
  return ctx.coverage === undefined ? g : covered(ctx.coverage, e.loc, g);
}

function compileExprGoal(ctx: CodegenContext, e: Expr, B: Set<string>, next: Goal): Goal {
  if (e.with.length > 0) return compileWith(ctx, e, B, next);
  if (e.negated) {
    const inner = compilePositive(ctx, e, new Set(B), DONE);
    const loc = e.loc;
    return (s, f, k) => {
      s.step(loc);
      return inner(s, f, STOP) ? false : next(s, f, k);
    };
  }
  return compilePositive(ctx, e, B, next);
}

function compilePositive(ctx: CodegenContext, e: Expr, B: Set<string>, next: Goal): Goal {
  switch (e.kind) {
    case 'term':
      return compileTermExpr(ctx, e, e.term, B, next);
    case 'unify':
    case 'assign':
      return compileUnify(ctx, e.left, e.right, B, next, e.loc);
    case 'some':
      return next;
    case 'somein':
      return compileSomeIn(ctx, e, B, next);
    case 'every':
      return withStep(e, compileEvery(ctx, e, B, next));
    case 'notbody': {
      const body = compileBody(ctx, e.body, new Set(B), DONE).goal;
      const loc = e.loc;
      return (s, f, k) => {
        s.step(loc);
        return body(s, f, STOP) ? false : next(s, f, k);
      };
    }
  }
}

/** A term as an expression (counted as one step): true unless undefined or false. */
function compileTermExpr(ctx: CodegenContext, e: Expr, t: Term, B: Set<string>, next: Goal): Goal {
  if (t.type === 'call') {
    const callee = resolveCallee(ctx, t.fn);
    const arity = arityOf(callee);
    if (arity !== undefined && t.args.length === arity + 1) return withStep(e, compileOutputCall(ctx, t, B, next));
  }
  const c = compileTerm(ctx, t, B);
  if (c.get) {
    // The most common expression: the step is counted here rather than by a wrapping goal.
    const get = c.get;
    const loc = e.loc;
    return (s, f, k) => {
      s.step(loc);
      const v = get(s, f);
      return v !== undefined && v !== false ? next(s, f, k) : false;
    };
  }
  return withStep(e, (s, f, k) => c.gen(s, f, (v) => (v !== false ? next(s, f, k) : false)));
}

function evaluable(t: Term, B: Set<string>): boolean {
  return unboundValueVars(t, B).length === 0;
}

/** Unification; with `loc` (a whole expression, not a nested pair) it also counts the step. */
function compileUnify(ctx: CodegenContext, a: Term, b: Term, B: Set<string>, next: Goal, loc?: Expr['loc']): Goal {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    if (!evaluable(x, B)) continue;
    const cx = compileTerm(ctx, x, B);
    const m = compilePattern(ctx, y, B, next);
    if (cx.get) {
      const get = cx.get;
      if (loc) {
        return (s, f, k) => {
          s.step(loc);
          const v = get(s, f);
          return v === undefined ? false : m(s, f, k, v);
        };
      }
      return (s, f, k) => {
        const v = get(s, f);
        return v === undefined ? false : m(s, f, k, v);
      };
    }
    const g: Goal = (s, f, k) => cx.gen(s, f, (v) => m(s, f, k, v));
    return loc ? stepped(loc, g) : g;
  }
  return loc ? stepped(loc, compileUnifyParts(ctx, a, b, B, next)) : compileUnifyParts(ctx, a, b, B, next);
}

/** Unifies arrays or objects element by element when neither side can be evaluated as a whole. */
function compileUnifyParts(ctx: CodegenContext, a: Term, b: Term, B: Set<string>, next: Goal): Goal {
  let pairs: [Term, Term][] | undefined;
  if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) pairs = a.items.map((x, i) => [x, b.items[i]]);
  else if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
    pairs = [];
    for (const [k, v] of a.entries) {
      const other = b.entries.find(([k2]) => k2.type === 'scalar' && k.type === 'scalar' && k2.value === k.value);
      if (!other) return () => false;
      pairs.push([v, other[1]]);
    }
  }
  if (!pairs) return () => false;
  // Order the element unifications so each one can run, then chain them.
  const order: [Term, Term][] = [];
  const states: Set<string>[] = [];
  const cur = new Set(B);
  let pending = pairs;
  while (pending.length > 0) {
    const rest: [Term, Term][] = [];
    for (const p of pending) {
      if (evaluable(p[0], cur) || evaluable(p[1], cur) || (p[0].type === p[1].type && (p[0].type === 'array' || p[0].type === 'object'))) {
        states.push(new Set(cur));
        const probe = new Set(cur);
        compileUnify(ctx, p[0], p[1], probe, DONE);
        probe.forEach((v) => cur.add(v));
        order.push(p);
      } else rest.push(p);
    }
    if (rest.length === pending.length) return () => false;
    pending = rest;
  }
  let g = next;
  for (let i = order.length - 1; i >= 0; i--) g = compileUnify(ctx, order[i][0], order[i][1], new Set(states[i]), g);
  cur.forEach((v) => B.add(v));
  return g;
}

function compilePairMatcher(ctx: CodegenContext, key: Term | undefined, value: Term, B: Set<string>, next: Goal): (s: EvalState, f: Frame, k: K, kv: Value, vv: Value) => boolean {
  const tmp = tempSlot(ctx);
  const holder: { mv?: Matcher } = {};
  const afterKey: Goal = (s, f, k) => holder.mv!(s, f, k, f[tmp]!);
  const mk = key ? compilePattern(ctx, key, B, afterKey) : undefined;
  const mv = compilePattern(ctx, value, B, next);
  holder.mv = mv;
  return (s, f, k, kv, vv) => {
    if (!mk) return mv(s, f, k, vv);
    const saved = f[tmp];
    f[tmp] = vv;
    const r = mk(s, f, k, kv);
    f[tmp] = saved;
    return r;
  };
}

function compileSomeIn(ctx: CodegenContext, e: Extract<Expr, { kind: 'somein' }>, B: Set<string>, next: Goal): Goal {
  const coll = compileTerm(ctx, e.collection, B);
  const match = compilePairMatcher(ctx, e.key, e.value, B, next);
  const get = coll.get;
  const loc = e.loc;
  if (get) {
    // Arrays and sets without per-evaluation closures: the common shapes of `some x in xs`.
    return (s, f, k) => {
      s.step(loc);
      const c = get(s, f);
      if (Array.isArray(c)) {
        for (let i = 0; i < c.length; i++) if (match(s, f, k, i, c[i])) return true;
        return false;
      }
      if (c instanceof RegoSet) {
        for (const x of c.values()) if (match(s, f, k, x, x)) return true;
        return false;
      }
      return enumerate(c, (kv, vv) => match(s, f, k, kv, vv));
    };
  }
  return stepped(loc, (s, f, k) => coll.gen(s, f, (c) => enumerate(c, (kv, vv) => match(s, f, k, kv, vv))));
}

function compileEvery(ctx: CodegenContext, e: Extract<Expr, { kind: 'every' }>, B: Set<string>, next: Goal): Goal {
  const domain = compileTerm(ctx, e.domain, B);
  const inner = new Set(B);
  let body: Goal = DONE;
  const bodyRef: Goal = (s, f, k) => body(s, f, k);
  const match = compilePairMatcher(ctx, e.key, e.value, inner, bodyRef);
  body = compileBody(ctx, e.body, inner, DONE).goal;
  return (s, f, k) =>
    domain.gen(s, f, (d) => {
      if (d === null || typeof d !== 'object') return false;
      const failed = enumerate(d, (kv, vv) => !match(s, f, STOP, kv, vv));
      return failed ? false : next(s, f, k);
    });
}

// ---- with -----------------------------------------------------------------------------------

interface Snapshot {
  input: Value | undefined;
  root: EvalState['root'];
  memo: EvalState['memo'];
  mocks: EvalState['mocks'];
}

function snapshot(s: EvalState): Snapshot {
  return { input: s.input, root: s.root, memo: s.memo, mocks: s.mocks };
}

function restore(s: EvalState, x: Snapshot): void {
  s.input = x.input;
  s.root = x.root;
  s.memo = x.memo;
  s.mocks = x.mocks;
}

type Apply = (s: EvalState, f: Frame) => boolean;

function setPath(base: Value | undefined, path: Value[], v: Value): Value {
  if (path.length === 0) return v;
  const obj: PlainObject = isPlainObject(base) ? Object.assign(Object.create(null) as PlainObject, base) : Object.create(null);
  if (base instanceof RegoObject) {
    const o = new RegoObject(base.entries());
    o.set(path[0], setPath(o.get(path[0]), path.slice(1), v));
    return o;
  }
  const key = String(path[0]);
  obj[key] = setPath(obj[key], path.slice(1), v);
  return obj;
}

function compileModifier(ctx: CodegenContext, w: WithModifier, B: Set<string>): Apply {
  const replacement = resolveCallee(ctx, w.value);
  const value = replacement.kind === 'unknown' ? compileTerm(ctx, w.value, B) : { gen: () => false };
  const getValue = (s: EvalState, f: Frame): Value | undefined => {
    if ('get' in value && value.get) return value.get(s, f);
    let out: Value | undefined;
    value.gen(s, f, (v) => {
      out = v;
      return true;
    });
    return out;
  };
  const t = w.target;
  const head = t.type === 'ref' ? t.head : t;
  const path = t.type === 'ref' ? t.path.map((p) => (p.type === 'scalar' ? (p.value as Value) : null)) : [];
  if (head.type === 'var' && head.name === 'input') {
    return (s, f) => {
      const v = getValue(s, f);
      if (v === undefined) return false;
      s.input = setPath(s.input, path, v);
      return true;
    };
  }
  const isData = head.type === 'var' && head.name === 'data';
  const node = isData ? findNode(ctx.root, path.map(String)) : undefined;
  if (isData && node?.kind !== 'function') {
    return (s, f) => {
      const v = getValue(s, f);
      if (v === undefined) return false;
      s.root = overlay(s.root, path, v, s.overlayIds);
      return true;
    };
  }
  const callee = resolveCallee(ctx, t);
  let mock: Mock | undefined;
  if (replacement.kind === 'builtin') mock = { kind: 'builtin', decl: replacement.decl };
  else if (replacement.kind === 'func') mock = { kind: 'node', node: replacement.node };
  return (s, f) => {
    let m = mock;
    if (!m) {
      const v = getValue(s, f);
      if (v === undefined) return false;
      m = { kind: 'value', value: v };
    }
    s.mocks = new Map(s.mocks ?? []);
    s.mocks.set(callee.name, m);
    return true;
  };
}

function compileWith(ctx: CodegenContext, e: Expr, B: Set<string>, next: Goal): Goal {
  const mods = e.with.map((w) => compileModifier(ctx, w, B));
  const outerStack: Snapshot[] = [];
  const resume: Goal = (s, f, k) => {
    const inner = snapshot(s);
    restore(s, outerStack[outerStack.length - 1]);
    try {
      return next(s, f, k);
    } finally {
      restore(s, inner);
    }
  };
  const inner = compileExpr(ctx, { ...e, with: [] }, B, resume);
  return (s, f, k) => {
    const saved = snapshot(s);
    for (const m of mods) {
      if (!m(s, f)) {
        restore(s, saved);
        return false;
      }
    }
    s.memo = new Memo();
    outerStack.push(saved);
    try {
      return inner(s, f, k);
    } finally {
      outerStack.pop();
      restore(s, saved);
    }
  };
}

export function internalError(message: string, loc: Expr['loc']): RegoError {
  return new RegoError('eval_internal_error', message, loc);
}

// Code generation for terms: values (get/gen closures), ref navigation, data refs and patterns.
import type { Term } from '../ast.js';
import { walkTerm } from '../ast.js';
import { RegoError } from '../errors.js';
import { RegoSet, makeObject, valuesEqual, type PlainObject, type Value } from '../value.js';
import { compileCall } from './calls.js';
import { type CodegenContext, slotOf, tempSlot } from './context.js';
import { compileBody, DONE } from './exprs.js';
import type { EvalState, Frame, K, VK } from './state.js';
import { lookupPath, nodeValue, type CTerm, type DataNode, type Gen, type Get, type Goal } from './tree.js';
import { enumerate, keyOf, lookup, lookupString } from './values.js';

/** The continuation of a body whose final goal never calls it. */
const STOP: K = () => true;

/** A pattern matcher: matches v, then runs its statically chained next goal. */
export type Matcher = (s: EvalState, f: Frame, k: K, v: Value) => boolean;

/** A term with one constant value; its getter carries the value so callers can use it directly. */
export function constantTerm(v: Value): CTerm {
  const get = Object.assign(() => v, { constant: v });
  return fromGet(get);
}

/** The constant values of all terms, or undefined when one of them is not constant. Values are never mutated, so one instance serves every evaluation. */
function constants(terms: CTerm[]): Value[] | undefined {
  const out: Value[] = [];
  for (const t of terms) {
    const c = (t.get as (Get & { constant?: Value }) | undefined)?.constant;
    if (c === undefined) return undefined;
    out.push(c);
  }
  return out;
}

/** An object literal with constant string keys and single-valued values: built directly, no entry list. */
function stringKeyedObject(parts: CTerm[]): CTerm | undefined {
  const keys: string[] = [];
  const gets: Get[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const k = (parts[i].get as (Get & { constant?: Value }) | undefined)?.constant;
    const g = parts[i + 1].get;
    if (typeof k !== 'string' || !g || keys.includes(k)) return undefined;
    keys.push(k);
    gets.push(g);
  }
  // Object.create(null) makes a dictionary-mode object; a literal keeps a fast shape shared by every
  // evaluation. Only "__proto__" must not be assigned on one.
  const create: () => PlainObject = keys.includes('__proto__') ? () => Object.create(null) as PlainObject : () => ({});
  return fromGet((s, f) => {
    const o = create();
    for (let i = 0; i < keys.length; i++) {
      const v = gets[i](s, f);
      if (v === undefined) return undefined;
      o[keys[i]] = v;
    }
    return o;
  });
}

function pairsToObject(vals: Value[]): Value {
  const entries: [Value, Value][] = [];
  for (let i = 0; i < vals.length; i += 2) entries.push([vals[i], vals[i + 1]]);
  return makeObject(entries);
}

export function fromGet(get: Get): CTerm {
  return {
    get,
    gen: (s, f, k) => {
      const v = get(s, f);
      return v === undefined ? false : k(v);
    },
  };
}

const isRoot = (name: string): boolean => name === 'input' || name === 'data';

/** Unbound vars that a term needs as values (not ref keys, not inside closures). */
export function unboundValueVars(t: Term, B: Set<string>): string[] {
  const out: string[] = [];
  const visit = (x: Term): void => {
    switch (x.type) {
      case 'var':
        if (!isRoot(x.name) && !B.has(x.name)) out.push(x.name);
        return;
      case 'ref':
        visit(x.head);
        for (const p of x.path) if (p.type !== 'var' && p.type !== 'array' && p.type !== 'object') visit(p);
        return;
      case 'array':
      case 'set':
        x.items.forEach(visit);
        return;
      case 'object':
        x.entries.forEach(([k, v]) => {
          visit(k);
          visit(v);
        });
        return;
      case 'call':
        x.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(t);
  return out;
}

/** Combines terms into all tuples of their values (used when some of them enumerate). */
export function genAll(terms: CTerm[], build: (vals: Value[], s: EvalState) => Value | undefined): CTerm {
  if (terms.every((t) => t.get)) {
    const gets = terms.map((t) => t.get!);
    // Unrolled for the common arities (most calls and operators take one to three arguments).
    if (gets.length === 1) {
      const [g0] = gets;
      return fromGet((s, f) => {
        const a = g0(s, f);
        return a === undefined ? undefined : build([a], s);
      });
    }
    if (gets.length === 2) {
      const [g0, g1] = gets;
      return fromGet((s, f) => {
        const a = g0(s, f);
        if (a === undefined) return undefined;
        const b = g1(s, f);
        return b === undefined ? undefined : build([a, b], s);
      });
    }
    if (gets.length === 3) {
      const [g0, g1, g2] = gets;
      return fromGet((s, f) => {
        const a = g0(s, f);
        if (a === undefined) return undefined;
        const b = g1(s, f);
        if (b === undefined) return undefined;
        const c = g2(s, f);
        return c === undefined ? undefined : build([a, b, c], s);
      });
    }
    return fromGet((s, f) => {
      const vals: Value[] = new Array(gets.length);
      for (let i = 0; i < gets.length; i++) {
        const v = gets[i](s, f);
        if (v === undefined) return undefined;
        vals[i] = v;
      }
      return build(vals, s);
    });
  }
  return { gen: (s, f, k) => genTuples(terms, build, s, f, k, new Array<Value>(terms.length), 0) };
}

/** Enumerates the tuples of terms[i..] into vals (module level: no named closure per call). */
function genTuples(terms: CTerm[], build: (vals: Value[], s: EvalState) => Value | undefined, s: EvalState, f: Frame, k: VK, vals: Value[], i: number): boolean {
  if (i === terms.length) {
    const v = build(vals.slice(), s);
    return v === undefined ? false : k(v);
  }
  return terms[i].gen(s, f, (v) => {
    vals[i] = v;
    return genTuples(terms, build, s, f, k, vals, i + 1);
  });
}

type Step = { kind: 'get'; get: Get } | { kind: 'bind'; slot: number } | { kind: 'gen'; gen: Gen } | { kind: 'match'; pattern: DynPattern };

/** A pattern matched at run time against keys (ref steps like `s[[1, x]]`). */
type DynPattern = { kind: 'bind'; slot: number } | { kind: 'eq'; get: Get } | { kind: 'array'; items: DynPattern[] } | { kind: 'object'; keys: Get[]; values: DynPattern[] };

function compileDynPattern(ctx: CodegenContext, t: Term, B: Set<string>): DynPattern {
  if (t.type === 'var' && !isRoot(t.name) && !B.has(t.name)) {
    B.add(t.name);
    return { kind: 'bind', slot: slotOf(ctx, t.name) };
  }
  if (t.type === 'array' && hasUnbound(t, B)) return { kind: 'array', items: t.items.map((x) => compileDynPattern(ctx, x, B)) };
  if (t.type === 'object' && hasUnbound(t, B)) {
    return { kind: 'object', keys: t.entries.map(([k]) => compileTerm(ctx, k, B).get ?? (() => undefined)), values: t.entries.map(([, v]) => compileDynPattern(ctx, v, B)) };
  }
  const c = compileTerm(ctx, t, B);
  return { kind: 'eq', get: c.get ?? (() => undefined) };
}

function matchDyn(p: DynPattern, v: Value, s: EvalState, f: Frame, trail: number[]): boolean {
  switch (p.kind) {
    case 'bind':
      if (f[p.slot] !== undefined) return valuesEqual(f[p.slot]!, v);
      f[p.slot] = v;
      trail.push(p.slot);
      return true;
    case 'eq': {
      const w = p.get(s, f);
      return w !== undefined && valuesEqual(w, v);
    }
    case 'array':
      return Array.isArray(v) && v.length === p.items.length && p.items.every((x, i) => matchDyn(x, v[i], s, f, trail));
    case 'object':
      return p.keys.every((kg, i) => {
        const k = kg(s, f);
        const x = k === undefined ? undefined : lookup(v, k);
        return x !== undefined && matchDyn(p.values[i], x, s, f, trail);
      });
  }
}

function compileSteps(ctx: CodegenContext, path: Term[], B: Set<string>): Step[] {
  return path.map((p): Step => {
    if (p.type === 'var' && !B.has(p.name)) {
      B.add(p.name);
      return { kind: 'bind', slot: slotOf(ctx, p.name) };
    }
    if ((p.type === 'array' || p.type === 'object') && hasUnbound(p, B)) return { kind: 'match', pattern: compileDynPattern(ctx, p, B) };
    const c = compileTerm(ctx, p, B);
    return c.get ? { kind: 'get', get: c.get } : { kind: 'gen', gen: c.gen };
  });
}

/** The constant key of a step, when it has one (ref paths are mostly constant strings). */
function constantKey(st: Step): Value | undefined {
  return st.kind === 'get' ? (st.get as Get & { constant?: Value }).constant : undefined;
}

/** Navigation along constant keys only: no closure call per step. */
function navigateConstant(bget: Get, keys: Value[]): CTerm {
  if (keys.every((k) => typeof k === 'string')) return navigateStrings(bget, keys as string[]);
  if (keys.length === 1) {
    const k0 = keys[0];
    return fromGet((s, f) => lookup(bget(s, f), k0));
  }
  return fromGet((s, f) => {
    let v = bget(s, f);
    for (let i = 0; i < keys.length && v !== undefined; i++) v = lookup(v, keys[i]);
    return v;
  });
}

function navigateStrings(bget: Get, keys: string[]): CTerm {
  if (keys.length === 1) {
    const k0 = keys[0];
    return fromGet((s, f) => lookupString(bget(s, f), k0));
  }
  if (keys.length === 2) {
    const [k0, k1] = keys;
    return fromGet((s, f) => {
      const v = lookupString(bget(s, f), k0);
      return v === undefined ? undefined : lookupString(v, k1);
    });
  }
  return fromGet((s, f) => {
    let v = bget(s, f);
    for (let i = 0; i < keys.length && v !== undefined; i++) v = lookupString(v, keys[i]);
    return v;
  });
}

function navigate(steps: Step[], from: number, base: CTerm): CTerm {
  if (base.get && steps.length > from && steps.slice(from).every((s) => constantKey(s) !== undefined)) {
    return navigateConstant(base.get, steps.slice(from).map((s) => constantKey(s)!));
  }
  if (base.get && steps.slice(from).every((s) => s.kind === 'get')) {
    const bget = base.get;
    const gets = steps.slice(from).map((s) => (s as { get: Get }).get);
    if (gets.length === 0) return base;
    if (gets.length === 1) {
      const g0 = gets[0];
      return fromGet((s, f) => {
        const k = g0(s, f);
        return k === undefined ? undefined : lookup(bget(s, f), k);
      });
    }
    return fromGet((s, f) => {
      let v = bget(s, f);
      for (let i = 0; i < gets.length && v !== undefined; i++) {
        const k = gets[i](s, f);
        v = k === undefined ? undefined : lookup(v, k);
      }
      return v;
    });
  }
  const walk = (s: EvalState, f: Frame, v: Value, i: number, k: (v: Value) => boolean): boolean => {
    if (i === steps.length) return k(v);
    const st = steps[i];
    switch (st.kind) {
      case 'get': {
        const key = st.get(s, f);
        if (key === undefined) return false;
        const x = lookup(v, key);
        return x === undefined ? false : walk(s, f, x, i + 1, k);
      }
      case 'gen':
        return st.gen(s, f, (key) => {
          const x = lookup(v, key);
          return x === undefined ? false : walk(s, f, x, i + 1, k);
        });
      case 'match': {
        const trail: number[] = [];
        return enumerate(v, (key, x) => {
          let r = false;
          if (matchDyn(st.pattern, key, s, f, trail)) r = walk(s, f, x, i + 1, k);
          for (const slot of trail) f[slot] = undefined;
          trail.length = 0;
          return r;
        });
      }
      case 'bind': {
        const slot = st.slot;
        if (f[slot] !== undefined) {
          const x = lookup(v, f[slot]!);
          return x === undefined ? false : walk(s, f, x, i + 1, k);
        }
        const r = enumerate(v, (key, x) => {
          f[slot] = key;
          return walk(s, f, x, i + 1, k);
        });
        f[slot] = undefined;
        return r;
      }
    }
  };
  return { gen: (s, f, k) => base.gen(s, f, (v) => walk(s, f, v, from, k)) };
}

function compileDataRef(ctx: CodegenContext, path: Term[], B: Set<string>): CTerm {
  const consts: Value[] = [];
  for (const p of path) {
    if (p.type !== 'scalar') break;
    consts.push(p.value as Value);
  }
  let node: DataNode = ctx.root;
  let i = 0;
  while (i < consts.length && node.kind === 'none') {
    const child = node.children.get(keyOf(consts[i]));
    if (!child) break;
    node = child;
    i++;
  }
  const staticNode = node;
  const staticFrom = i;
  const baseRoot = ctx.root;
  const prefix: Get =
    staticFrom === consts.length && staticNode.kind !== 'none' && staticNode.kind !== 'function'
      ? (s) => (s.root === baseRoot ? nodeValue(s, staticNode) : lookupPath(s, s.root, consts, 0))
      : (s) => (s.root === baseRoot ? lookupPath(s, staticNode, consts, staticFrom) : lookupPath(s, s.root, consts, 0));
  const steps = compileSteps(ctx, path.slice(consts.length), B);
  return navigate(steps, 0, fromGet(prefix));
}

function compileRef(ctx: CodegenContext, t: Extract<Term, { type: 'ref' }>, B: Set<string>): CTerm {
  if (t.head.type === 'var' && t.head.name === 'data') return compileDataRef(ctx, t.path, B);
  const base = compileTerm(ctx, t.head, B);
  return navigate(compileSteps(ctx, t.path, B), 0, base);
}

/** Compiles a term evaluated as a value; `B` (bound vars) grows with vars bound by ref enumeration. */
export function compileTerm(ctx: CodegenContext, t: Term, B: Set<string>): CTerm {
  switch (t.type) {
    case 'scalar':
      return constantTerm(t.value as Value);
    case 'var': {
      if (t.name === 'input') return fromGet((s) => s.input);
      if (t.name === 'data') return fromGet((s) => nodeValue(s, s.root));
      const slot = slotOf(ctx, t.name);
      return fromGet((_s, f) => f[slot]);
    }
    case 'ref':
      return compileRef(ctx, t, B);
    case 'array': {
      const items = t.items.map((x) => compileTerm(ctx, x, B));
      const consts = constants(items);
      if (consts) return constantTerm(consts);
      return genAll(items, (vals) => vals);
    }
    case 'set': {
      const items = t.items.map((x) => compileTerm(ctx, x, B));
      const consts = constants(items);
      if (consts) return constantTerm(new RegoSet(consts));
      return genAll(items, (vals) => new RegoSet(vals));
    }
    case 'object': {
      const parts: CTerm[] = [];
      for (const [k, v] of t.entries) {
        parts.push(compileTerm(ctx, k, B), compileTerm(ctx, v, B));
      }
      const consts = constants(parts);
      if (consts) return constantTerm(pairsToObject(consts));
      return stringKeyedObject(parts) ?? genAll(parts, pairsToObject);
    }
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      return compileComprehension(ctx, t, B);
    case 'call':
      return compileCall(ctx, t, B);
  }
}

/**
 * Array and set comprehensions collect into `s.acc` from their body's final goal, so an evaluation
 * allocates the collection only (no continuation closure). Whatever the body evaluates in between
 * restores `s.acc` before the next element arrives.
 */
function compileCollection(ctx: CodegenContext, t: Extract<Term, { type: 'arraycomp' | 'setcomp' }>, B: Set<string>): CTerm {
  // The head compiles after the body (it sees the body's bindings); the final goal reads it here.
  const compiled: { head?: CTerm } = {};
  const isSet = t.type === 'setcomp';
  const add = isSet ? (s: EvalState, v: Value): void => (s.acc as RegoSet).add(v) : (s: EvalState, v: Value): void => void (s.acc as Value[]).push(v);
  const collect: Goal = (s, f) => {
    const head = compiled.head!;
    const get = head.get;
    if (get) {
      const v = get(s, f);
      if (v !== undefined) add(s, v);
    } else {
      head.gen(s, f, (v) => {
        add(s, v);
        return false;
      });
    }
    return false;
  };
  const { goal, bound } = compileBody(ctx, t.body, new Set(B), collect);
  compiled.head = compileTerm(ctx, t.term, new Set(bound));
  return fromGet((s, f) => {
    const outer = s.acc;
    const out: Value = isSet ? new RegoSet() : [];
    s.acc = out;
    goal(s, f, STOP);
    s.acc = outer;
    return out;
  });
}

function compileComprehension(ctx: CodegenContext, t: Extract<Term, { type: 'arraycomp' | 'setcomp' | 'objectcomp' }>, B: Set<string>): CTerm {
  if (t.type !== 'objectcomp') return compileCollection(ctx, t, B);
  const inner = new Set(B);
  const { goal, bound } = compileBody(ctx, t.body, inner, DONE);
  const key = compileTerm(ctx, t.key, new Set(bound));
  const value = compileTerm(ctx, t.value, new Set(bound));
  return fromGet((s, f) => {
    const entries = new Map<string, [Value, Value]>();
    let conflict = false;
    goal(s, f, () =>
      key.gen(s, f, (kv) =>
        value.gen(s, f, (vv) => {
          const id = keyOf(kv);
          const prev = entries.get(id);
          if (prev && !valuesEqual(prev[1], vv)) conflict = true;
          entries.set(id, [kv, vv]);
          return false;
        }),
      ),
    );
    if (conflict) throwConflict(t.loc);
    return makeObject(entries.values());
  });
}

function throwConflict(loc: Term['loc']): never {
  throw new RegoError('eval_conflict_error', 'object keys must be unique', loc);
}

/** Compiles a pattern: unbound vars bind, everything else is compared. Then runs `next`. */
export function compilePattern(ctx: CodegenContext, t: Term, B: Set<string>, next: Goal): Matcher {
  if (t.type === 'var' && !isRoot(t.name) && !B.has(t.name)) {
    B.add(t.name);
    const slot = slotOf(ctx, t.name);
    return (s, f, k, v) => {
      f[slot] = v;
      const r = next(s, f, k);
      f[slot] = undefined;
      return r;
    };
  }
  if (t.type === 'array' && hasUnbound(t, B)) {
    const n = t.items.length;
    const tmp = tempSlot(ctx);
    const matchers: Matcher[] = new Array(n);
    const lazy = (j: number): Goal => (s, f, k) => matchers[j](s, f, k, (f[tmp] as Value[])[j]);
    for (let j = 0; j < n; j++) matchers[j] = compilePattern(ctx, t.items[j], B, j === n - 1 ? next : lazy(j + 1));
    return (s, f, k, v) => {
      if (!Array.isArray(v) || v.length !== n) return false;
      if (n === 0) return next(s, f, k);
      const saved = f[tmp];
      f[tmp] = v;
      const r = matchers[0](s, f, k, v[0]);
      f[tmp] = saved;
      return r;
    };
  }
  if (t.type === 'object' && hasUnbound(t, B)) {
    const n = t.entries.length;
    const keys = t.entries.map(([k]) => compileTerm(ctx, k, B));
    const tmp = tempSlot(ctx);
    const matchers: Matcher[] = new Array(n);
    const lazy = (j: number): Goal => (s, f, k) => {
      const kv = keys[j].get!(s, f);
      const x = kv === undefined ? undefined : lookup(f[tmp]!, kv);
      return x === undefined ? false : matchers[j](s, f, k, x);
    };
    for (let j = 0; j < n; j++) matchers[j] = compilePattern(ctx, t.entries[j][1], B, j === n - 1 ? next : lazy(j + 1));
    return (s, f, k, v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof RegoSet) return false;
      const size = 'size' in v && typeof v.size === 'number' ? v.size : Object.keys(v).length;
      if (size !== n) return false;
      if (n === 0) return next(s, f, k);
      const saved = f[tmp];
      f[tmp] = v;
      const r = lazy(0)(s, f, k);
      f[tmp] = saved;
      return r;
    };
  }
  const c = compileTerm(ctx, t, B);
  if (c.get) {
    const get = c.get;
    return (s, f, k, v) => {
      const w = get(s, f);
      return w !== undefined && valuesEqual(w, v) ? next(s, f, k) : false;
    };
  }
  return (s, f, k, v) => c.gen(s, f, (w) => (valuesEqual(w, v) ? next(s, f, k) : false));
}

function hasUnbound(t: Term, B: Set<string>): boolean {
  let found = false;
  walkTerm(t, (x) => {
    if (x.type === 'ref' || x.type === 'call' || x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp') return false;
    if (x.type === 'var' && !isRoot(x.name) && !B.has(x.name)) found = true;
    return undefined;
  });
  return found;
}

// Code generation for calls: builtins from the registry, user functions, `with` mocks and print().
import type { Term } from '../ast.js';
import { refName } from '../ast.js';
import { BuiltinError, type BuiltinDecl } from '../builtins/types.js';
import { RegoError, type RegoLocation } from '../errors.js';
import { member } from '../builtins/internal.js';
import { RegoSet, canonicalJson, compareValues, isObject, objectEntries, objectSize, valuesEqual, type Value } from '../value.js';
import { type CodegenContext, findNode } from './context.js';
import { Memo, type EvalState, type Mock } from './state.js';
import { compilePattern, compileTerm, fromGet, genAll } from './terms.js';
import { callFunction, callFunction1, type CTerm, type DataNode, type Goal } from './tree.js';

export type Callee = { kind: 'builtin'; name: string; decl: BuiltinDecl } | { kind: 'func'; name: string; node: DataNode } | { kind: 'unknown'; name: string };

/** What a call's function position names. */
export function resolveCallee(ctx: { root: DataNode; builtins: ReadonlyMap<string, BuiltinDecl> }, fn: Term): Callee {
  if (fn.type === 'ref' && fn.head.type === 'var' && fn.head.name === 'data') {
    const path: string[] = [];
    for (const p of fn.path) path.push(p.type === 'scalar' ? String(p.value) : '?');
    const node = findNode(ctx.root, path);
    const name = 'data.' + path.join('.');
    if (node && node.kind === 'function') return { kind: 'func', name, node };
    return { kind: 'unknown', name };
  }
  const name = refName(fn) ?? '?';
  const decl = ctx.builtins.get(name);
  return decl ? { kind: 'builtin', name, decl } : { kind: 'unknown', name };
}

/** Number of declared arguments, or undefined for variadic/unknown functions. */
export function arityOf(c: Callee): number | undefined {
  if (c.kind === 'builtin') return c.decl.variadic ? undefined : c.decl.args.length;
  if (c.kind === 'func') return c.node.arity;
  return undefined;
}

/** Elements or characters at the top of a builtin's result: what charging it costs without walking it. */
function shallowSize(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (typeof v !== 'object' || v === null) return 0;
  if (Array.isArray(v)) return v.length;
  return v instanceof RegoSet ? v.size : isObject(v) ? objectSize(v) : 0;
}

export function callBuiltin(s: EvalState, decl: BuiltinDecl, args: Value[], loc: RegoLocation): Value | undefined {
  const charged = s.bytes;
  try {
    const r = decl.impl(args, s) ?? undefined;
    // Builtins that can build much more than they were given charge before building; the rest here.
    if (r !== undefined && s.bytes === charged) s.charge(shallowSize(r), loc);
    return r;
  } catch (e) {
    if (e instanceof RegoError) throw e.location ? e : new RegoError(e.code, e.message, loc);
    if (e instanceof RangeError && /call stack/.test(e.message)) throw e;
    if (!s.strict) return undefined;
    if (e instanceof BuiltinError) throw new RegoError(e.code, e.message, loc);
    throw new RegoError('eval_builtin_error', `${decl.name}: ${e instanceof Error ? e.message : String(e)}`, loc);
  }
}

function callMock(s: EvalState, m: Mock, args: Value[], loc: RegoLocation): Value | undefined {
  switch (m.kind) {
    case 'value':
      return m.value;
    case 'node': {
      // A replacement runs unmocked: it may call the original and never reaches another mock.
      const saved = s.mocks;
      const memo = s.memo;
      s.mocks = undefined;
      s.memo = new Memo();
      try {
        return callFunction(s, m.node, args, loc);
      } finally {
        s.mocks = saved;
        s.memo = memo;
      }
    }
    case 'builtin':
      return callBuiltin(s, m.decl, args, loc);
  }
}

type Invoke = (s: EvalState, args: Value[]) => Value | undefined;

function invoker(callee: Callee, loc: RegoLocation): Invoke {
  const name = callee.name;
  if (callee.kind === 'builtin') {
    const decl = callee.decl;
    return (s, args) => {
      if (s.mocks !== undefined) {
        const m = s.mocks.get(name);
        if (m) return callMock(s, m, args, loc);
      }
      return callBuiltin(s, decl, args, loc);
    };
  }
  if (callee.kind === 'func') {
    const node = callee.node;
    return (s, args) => {
      if (s.mocks !== undefined) {
        const m = s.mocks.get(name);
        if (m) return callMock(s, m, args, loc);
      }
      return callFunction(s, node, args, loc);
    };
  }
  return () => {
    throw new RegoError('eval_internal_error', `undefined function ${name}`, loc);
  };
}

/** A value in Rego syntax, as OPA's print shows terms: sets as {1, 2} (empty: set()), ", " between items. */
function regoText(v: Value): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
  if (Array.isArray(v)) return '[' + v.map(regoText).join(', ') + ']';
  if (v instanceof RegoSet) return v.size === 0 ? 'set()' : '{' + v.values().map(regoText).join(', ') + '}';
  if (!isObject(v)) return canonicalJson(v);
  return '{' + objectEntries(v).map(([k, x]) => regoText(k) + ': ' + regoText(x)).join(', ') + '}';
}

function formatPrintArg(v: Value): string {
  return typeof v === 'string' ? v : regoText(v);
}

function compilePrint(ctx: CodegenContext, t: Extract<Term, { type: 'call' }>, B: Set<string>): CTerm {
  const args = t.args.map((a) => compileTerm(ctx, a, new Set(B)));
  return fromGet((s, f) => {
    const parts = args.map((a) => {
      const vals: string[] = [];
      a.gen(s, f, (v) => {
        vals.push(formatPrintArg(v));
        return false;
      });
      return vals.length === 0 ? '<undefined>' : vals.length === 1 ? vals[0] : `{${vals.join(', ')}}`;
    });
    s.print(parts.join(' '));
    return true;
  });
}

/**
 * Operators that never fail on any operands: evaluated without an argument array or the builtin
 * call machinery (unless a `with` mock replaces them). Same functions as their declarations.
 */
const OPERATORS: ReadonlyMap<string, (a: Value, b: Value) => Value> = new Map([
  ['equal', valuesEqual],
  ['neq', (a: Value, b: Value) => !valuesEqual(a, b)],
  ['lt', (a: Value, b: Value) => compareValues(a, b) < 0],
  ['lte', (a: Value, b: Value) => compareValues(a, b) <= 0],
  ['gt', (a: Value, b: Value) => compareValues(a, b) > 0],
  ['gte', (a: Value, b: Value) => compareValues(a, b) >= 0],
  ['internal.member_2', member],
]);

function compileOperator(op: (a: Value, b: Value) => Value, args: CTerm[], invoke: Invoke): CTerm | undefined {
  const [g0, g1] = [args[0].get, args[1].get];
  if (!g0 || !g1) return undefined;
  return fromGet((s, f) => {
    const a = g0(s, f);
    if (a === undefined) return undefined;
    const b = g1(s, f);
    if (b === undefined) return undefined;
    return s.mocks === undefined ? op(a, b) : invoke(s, [a, b]);
  });
}

/** Builtin calls of one or two single-valued arguments, without an intermediate closure per call. */
function directBuiltin(decl: BuiltinDecl, args: CTerm[], invoke: Invoke, loc: RegoLocation): CTerm | undefined {
  if (args.length === 1 && args[0].get) {
    const g0 = args[0].get;
    return fromGet((s, f) => {
      const a = g0(s, f);
      if (a === undefined) return undefined;
      return s.mocks === undefined ? callBuiltin(s, decl, [a], loc) : invoke(s, [a]);
    });
  }
  if (args.length === 2 && args[0].get && args[1].get) {
    const g0 = args[0].get;
    const g1 = args[1].get;
    return fromGet((s, f) => {
      const a = g0(s, f);
      if (a === undefined) return undefined;
      const b = g1(s, f);
      if (b === undefined) return undefined;
      return s.mocks === undefined ? callBuiltin(s, decl, [a, b], loc) : invoke(s, [a, b]);
    });
  }
  return undefined;
}

/** A call evaluated as a value (all arguments are inputs). */
export function compileCall(ctx: CodegenContext, t: Extract<Term, { type: 'call' }>, B: Set<string>): CTerm {
  const callee = resolveCallee(ctx, t.fn);
  if (callee.kind === 'builtin' && callee.name === 'print') return compilePrint(ctx, t, B);
  const args = t.args.map((a) => compileTerm(ctx, a, B));
  const invoke = invoker(callee, t.loc);
  const op = callee.kind === 'builtin' && args.length === 2 ? OPERATORS.get(callee.name) : undefined;
  const fast = op && compileOperator(op, args, invoke);
  if (fast) return fast;
  if (callee.kind === 'builtin' && !callee.decl.relation) {
    const decl = callee.decl;
    const loc = t.loc;
    return directBuiltin(decl, args, invoke, loc) ?? genAll(args, (vals, s) => (s.mocks === undefined ? callBuiltin(s, decl, vals, loc) : invoke(s, vals)));
  }
  if (callee.kind === 'builtin' && callee.decl.relation) {
    const all = genAll(args, (vals) => vals);
    return {
      gen: (s, f, k) =>
        all.gen(s, f, (vals) => {
          const results = invoke(s, vals as Value[]);
          if (!Array.isArray(results)) return false;
          for (const r of results) if (k(r)) return true;
          return false;
        }),
    };
  }
  if (callee.kind === 'func' && args.length === 1 && args[0].get) {
    const g0 = args[0].get;
    const node = callee.node;
    const loc = t.loc;
    return fromGet((s, f) => {
      const a = g0(s, f);
      if (a === undefined) return undefined;
      return s.mocks === undefined ? callFunction1(s, node, a, loc) : invoke(s, [a]);
    });
  }
  return genAll(args, (vals, s) => invoke(s, vals));
}

/** A call whose last argument receives the result: `count(xs, n)`. */
export function compileOutputCall(ctx: CodegenContext, t: Extract<Term, { type: 'call' }>, B: Set<string>, next: Goal): Goal {
  const callee = resolveCallee(ctx, t.fn);
  const inputs = t.args.slice(0, -1).map((a) => compileTerm(ctx, a, B));
  const out = compilePattern(ctx, t.args[t.args.length - 1], B, next);
  const invoke = invoker(callee, t.loc);
  const relation = callee.kind === 'builtin' && callee.decl.relation;
  const all = genAll(inputs, (vals) => vals);
  return (s, f, k) =>
    all.gen(s, f, (vals) => {
      const r = invoke(s, vals as Value[]);
      if (r === undefined) return false;
      if (relation) {
        if (!Array.isArray(r)) return false;
        for (const x of r) if (out(s, f, k, x)) return true;
        return false;
      }
      return out(s, f, k, r);
    });
}

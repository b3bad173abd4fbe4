// The data tree: base documents and compiled rules by path, and the evaluation of rules and functions.
import { RegoError, type RegoLocation } from '../errors.js';
import { RegoSet, isPlainObject, objectEntries, valuesEqual, type Value } from '../value.js';
import { EMPTY_FRAME, UNDEF, newFrame, type EvalState, type Frame, type K } from './state.js';
import { ObjectBuilder, keyOf, lookup } from './values.js';

/** A compiled goal: runs, and on success calls the statically chained next goal and finally k. */
export type Goal = (s: EvalState, f: Frame, k: K) => boolean;
export type Get = (s: EvalState, f: Frame) => Value | undefined;
export type Gen = (s: EvalState, f: Frame, k: (v: Value) => boolean) => boolean;

/** A compiled term: `gen` enumerates its values; `get` (when present) returns its single value. */
export interface CTerm {
  gen: Gen;
  get?: Get;
}

export interface CompiledClause {
  nslots: number;
  /** Binds the function arguments (functions only), then runs the body. */
  run: (s: EvalState, f: Frame, args: Value[] | undefined, k: K) => boolean;
  /** The body alone (rules without arguments run it directly). */
  body: Goal;
  value?: CTerm;
  /** The value when it is a constant: one solution is enough. */
  constant: boolean;
  suffix: CTerm[];
  loc: RegoLocation;
  /**
   * A cleared frame left by the last run, for the next one. A run takes it (a nested run of the
   * same clause, should one happen, finds none and allocates); a run that throws keeps it.
   */
  spare: Frame | undefined;
}

export interface CompiledRule {
  kind: 'complete' | 'multi' | 'function';
  order: number;
  /** Number of arguments (functions only). */
  arity?: number;
  clauses: CompiledClause[];
  loc: RegoLocation;
}

/** Rules indexed on one ground ref compared with constants: key → candidate rules in source order. */
export interface RuleIndex {
  ref: Get;
  byKey: Map<string, CompiledRule[]>;
  rest: CompiledRule[];
}

export type NodeKind = 'none' | 'complete' | 'multi' | 'object' | 'function';

/** Hands out node ids within one tree (and the overlays of its queries). */
export interface NodeIds {
  next: number;
}

export interface DataNode {
  /** Unique within its tree and that tree's overlays: the node's memo slot. */
  id: number;
  ids: NodeIds;
  /** "data.a.b" for messages. */
  name: string;
  path: Value[];
  children: Map<string, DataNode>;
  base: Value | undefined;
  kind: NodeKind;
  rules: CompiledRule[];
  defaultRule?: CompiledRule;
  index?: RuleIndex;
  /** Number of arguments (function nodes). */
  arity?: number;
  /**
   * Function nodes whose results may be memoized per query for scalar arguments: set by codegen
   * when no rule of the program prints (a memoized call would skip its print side effect).
   */
  memoizable?: boolean;
  /** The document when it is one unconditional constant (`xs := {"a", "b"}`): computed at compile time. */
  constValue?: Value;
}

/** A node of the tree whose ids `ids` hands out (a new tree when absent). */
export function newNode(name: string, path: Value[], base: Value | undefined, ids: NodeIds = { next: 0 }): DataNode {
  return { id: ids.next++, ids, name, path, children: new Map(), base, kind: 'none', rules: [] };
}

function candidates(s: EvalState, node: DataNode): CompiledRule[] {
  const idx = node.index;
  if (!idx) return node.rules;
  const v = idx.ref(s, EMPTY_FRAME);
  if (v === undefined) return idx.rest;
  return idx.byKey.get(keyOf(v)) ?? idx.rest;
}

function completeConflict(node: DataNode): string {
  return `complete rules must not produce multiple outputs: rule ${node.name} produced conflicting values`;
}

function functionConflict(node: DataNode): string {
  return `functions must not produce multiple outputs for same inputs: function ${node.name} produced conflicting values for the same inputs`;
}

/**
 * What runChain does with each solution of a clause body. Sinks are module constants: what they
 * accumulate lives in the state (`acc`, `accNode`), so evaluating a rule allocates no closure.
 */
export type ClauseSink = (s: EvalState, c: CompiledClause, f: Frame) => boolean;

const UNUSED_K: K = () => true;

/**
 * The final goal of every rule clause: hands the solution to the sink of the innermost runChain
 * (through the state, so that running a clause allocates no continuation closure).
 */
export const CLAUSE_END: Goal = (s, f) => {
  s.produced = true;
  return s.sink!(s, s.sinkClause!, f);
};

/** A clean frame for a run of `c`: its spare one when free (frames never outlive their run). */
function takeFrame(c: CompiledClause): Frame {
  const f = c.spare;
  if (f === undefined) return newFrame(c.nslots);
  c.spare = undefined;
  return f;
}

/** Runs one rule's clause chain (main body, then else clauses until one succeeds). */
function runChain(s: EvalState, rule: CompiledRule, args: Value[] | undefined, onValue: ClauseSink): void {
  const sink = s.sink;
  const sinkClause = s.sinkClause;
  const produced = s.produced;
  s.sink = onValue;
  const clauses = rule.clauses;
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i];
    s.sinkClause = c;
    s.produced = false;
    const f = takeFrame(c);
    if (args === undefined) c.body(s, f, UNUSED_K);
    else c.run(s, f, args, UNUSED_K);
    if (f !== EMPTY_FRAME) {
      f.fill(undefined);
      c.spare = f;
    }
    if (s.produced) break;
  }
  s.sink = sink;
  s.sinkClause = sinkClause;
  s.produced = produced;
}

/** Adds one value of a single-valued rule or function: the first stands, a different one conflicts. */
function merge(result: Value | undefined, v: Value | undefined, node: DataNode, c: CompiledClause, conflict: (node: DataNode) => string): Value | undefined {
  if (v === undefined) return result;
  if (result === undefined) return v;
  if (!valuesEqual(result, v)) throw new RegoError('eval_conflict_error', conflict(node), c.loc);
  return result;
}

/**
 * A sink merging each value of a clause into `s.acc` (built once per kind, not per rule). A complete
 * rule may stop after one solution when its value is constant; a function checks every solution.
 */
function mergingSink(conflict: (node: DataNode) => string, stopWhenConstant: boolean): ClauseSink {
  return (s, c, f) => {
    const get = c.value!.get;
    if (get) {
      // The value first: it may evaluate other rules, which use (and restore) s.acc themselves.
      const v = get(s, f);
      s.acc = merge(s.acc, v, s.accNode!, c, conflict);
    } else {
      c.value!.gen(s, f, (v) => {
        s.acc = merge(s.acc, v, s.accNode!, c, conflict);
        return false;
      });
    }
    return stopWhenConstant && c.constant;
  };
}

const COMPLETE_SINK = mergingSink(completeConflict, true);

function evalComplete(s: EvalState, node: DataNode): Value | undefined {
  const outerAcc = s.acc;
  const outerNode = s.accNode;
  s.acc = undefined;
  s.accNode = node;
  const rules = candidates(s, node);
  for (let i = 0; i < rules.length; i++) runChain(s, rules[i], undefined, COMPLETE_SINK);
  let result: Value | undefined = s.acc;
  s.acc = outerAcc;
  s.accNode = outerNode;
  if (result === undefined && node.defaultRule) {
    const c = node.defaultRule.clauses[0];
    const f = newFrame(c.nslots);
    result = c.value!.get ? c.value!.get(s, f) : firstValue(s, f, c.value!);
  }
  return result;
}

function firstValue(s: EvalState, f: Frame, t: { gen: (s: EvalState, f: Frame, k: (v: Value) => boolean) => boolean }): Value | undefined {
  let out: Value | undefined;
  t.gen(s, f, (v) => {
    out = v;
    return true;
  });
  return out;
}

/** Adds each value of a clause to the set in `s.acc`. */
const MULTI_SINK: ClauseSink = (s, c, f) => {
  const get = c.value!.get;
  if (get) {
    const v = get(s, f);
    if (v !== undefined) (s.acc as RegoSet).add(v);
  } else {
    const set = s.acc as RegoSet;
    c.value!.gen(s, f, (v) => {
      set.add(v);
      return false;
    });
  }
  return false;
};

function evalMulti(s: EvalState, node: DataNode): Value {
  const outerAcc = s.acc;
  const set = new RegoSet();
  s.acc = set;
  const rules = candidates(s, node);
  for (let i = 0; i < rules.length; i++) runChain(s, rules[i], undefined, MULTI_SINK);
  s.acc = outerAcc;
  return set;
}

function addChildren(s: EvalState, node: DataNode, b: ObjectBuilder): void {
  for (const child of node.children.values()) {
    if (child.kind === 'function') continue;
    const v = nodeValue(s, child);
    if (v !== undefined) b.putValue(child.path[child.path.length - 1], v);
  }
  if (node.base !== undefined && (isPlainObject(node.base) || node.base instanceof Object)) {
    if (node.base !== null && typeof node.base === 'object' && !Array.isArray(node.base) && !(node.base instanceof RegoSet)) {
      for (const [k, v] of objectEntries(node.base)) b.putValue(k, v);
    }
  }
}

function evalObject(s: EvalState, node: DataNode): Value {
  const b = new ObjectBuilder();
  const conflict = `object keys must be unique: rule ${node.name} produced conflicting values`;
  for (const rule of candidates(s, node)) {
    const multi = rule.kind === 'multi';
    runChain(s, rule, undefined, (_s, c, f) => {
      putSuffixes(s, f, c, b, [], 0, multi, conflict);
      return false;
    });
  }
  addChildren(s, node, b);
  return b.build();
}

/** Puts every value of a ref-head clause under every key path its suffix terms produce. */
function putSuffixes(s: EvalState, f: Frame, c: CompiledClause, b: ObjectBuilder, keys: Value[], i: number, multi: boolean, conflict: string): boolean {
  if (i === c.suffix.length) {
    return c.value!.gen(s, f, (v) => {
      b.put(keys, v, multi, c.loc, conflict);
      return false;
    });
  }
  return c.suffix[i].gen(s, f, (k) => {
    keys.push(k);
    putSuffixes(s, f, c, b, keys, i + 1, multi, conflict);
    keys.pop();
    return false;
  });
}

/** The document at a node: rule values, or the object of its children and base data. Memoized per query. */
export function nodeValue(s: EvalState, node: DataNode): Value | undefined {
  if (node.constValue !== undefined) return node.constValue;
  if (node.kind === 'none' && node.children.size === 0) return node.base;
  const memo = s.memo.docs[node.id];
  if (memo !== undefined) return memo === UNDEF ? undefined : memo;
  s.enter(node.rules[0]?.loc ?? { file: '', row: 0, col: 0 });
  let v: Value | undefined;
  try {
    switch (node.kind) {
      case 'complete':
        v = evalComplete(s, node);
        break;
      case 'multi':
        v = evalMulti(s, node);
        break;
      case 'function':
        v = undefined;
        break;
      case 'object':
        v = evalObject(s, node);
        break;
      case 'none': {
        const b = new ObjectBuilder();
        addChildren(s, node, b);
        v = b.build();
        break;
      }
    }
  } finally {
    s.leave();
  }
  s.memo.setDoc(node.id, v === undefined ? UNDEF : v);
  return v;
}

/** The memo key of scalar arguments, or undefined when an argument is composite (not memoized). */
function scalarArgsKey(args: Value[]): unknown {
  if (args.length === 1) {
    const a = args[0];
    return a !== null && typeof a === 'object' ? undefined : a;
  }
  let key = '';
  for (const a of args) {
    if (a !== null && typeof a === 'object') return undefined;
    // JSON text keeps strings apart from numbers and booleans and has no raw NUL.
    key += (typeof a === 'string' ? JSON.stringify(a) : typeof a === 'bigint' ? a.toString() : String(a)) + '\u0000';
  }
  return key;
}

/**
 * Calls a user function: every definition runs; differing results are a conflict. Results for
 * scalar arguments are memoized per query (the memo map is replaced under `with`).
 */
export function callFunction(s: EvalState, node: DataNode, args: Value[], loc: RegoLocation): Value | undefined {
  if (!node.memoizable) return evalFunction(s, node, args, loc);
  const key = scalarArgsKey(args);
  if (key === undefined) return evalFunction(s, node, args, loc);
  const calls = s.memo.callsOf(node.id);
  const hit = calls.get(key);
  if (hit !== undefined) return hit === UNDEF ? undefined : hit;
  const v = evalFunction(s, node, args, loc);
  calls.set(key, v === undefined ? UNDEF : v);
  return v;
}

const FUNCTION_SINK = mergingSink(functionConflict, false);

/** The default function's value: its first solution. */
const FUNCTION_DEFAULT_SINK: ClauseSink = (s, c, f) => {
  s.acc = c.value!.get ? c.value!.get(s, f) : firstValue(s, f, c.value!);
  return true;
};

/** callFunction of one argument: a memo hit needs no argument array. */
export function callFunction1(s: EvalState, node: DataNode, a: Value, loc: RegoLocation): Value | undefined {
  if (!node.memoizable || (a !== null && typeof a === 'object')) return evalFunction(s, node, [a], loc);
  const calls = s.memo.callsOf(node.id);
  const hit = calls.get(a);
  if (hit !== undefined) return hit === UNDEF ? undefined : hit;
  const v = evalFunction(s, node, [a], loc);
  calls.set(a, v === undefined ? UNDEF : v);
  return v;
}

function evalFunction(s: EvalState, node: DataNode, args: Value[], loc: RegoLocation): Value | undefined {
  s.enter(loc);
  const outerAcc = s.acc;
  const outerNode = s.accNode;
  let result: Value | undefined;
  try {
    s.acc = undefined;
    s.accNode = node;
    const rules = node.rules;
    for (let i = 0; i < rules.length; i++) runChain(s, rules[i], args, FUNCTION_SINK);
    if (s.acc === undefined && node.defaultRule) runChain(s, node.defaultRule, args, FUNCTION_DEFAULT_SINK);
    result = s.acc;
  } finally {
    s.acc = outerAcc;
    s.accNode = outerNode;
    s.leave();
  }
  return result;
}

/** A copy of the tree where `path` holds `value` (for `with data.x as v`). */
export function overlay(root: DataNode, path: Value[], value: Value, ids: NodeIds): DataNode {
  const clone = (n: DataNode): DataNode => ({ ...n, id: ids.next++, ids, children: new Map(n.children) });
  const top = clone(root);
  let cur = top;
  for (let i = 0; i < path.length; i++) {
    const k = keyOf(path[i]);
    const last = i === path.length - 1;
    const existing = cur.children.get(k);
    const name = `${cur.name}.${String(path[i])}`;
    let next: DataNode;
    if (last) next = newNode(name, path.slice(0, i + 1), value, ids);
    else if (existing && existing.kind !== 'none') next = newNode(name, path.slice(0, i + 1), nodeBaseless(), ids);
    else next = existing ? clone(existing) : newNode(name, path.slice(0, i + 1), lookup(cur.base, path[i]), ids);
    if (cur.kind !== 'none' && !last) {
      cur.kind = 'none';
      cur.rules = [];
      cur.defaultRule = undefined;
      cur.index = undefined;
    }
    cur.children.set(k, next);
    cur = next;
  }
  return top;
}

function nodeBaseless(): Value | undefined {
  return undefined;
}

/** Base documents come from JSON: a numeric key also finds the same key written as a string. */
function baseLookup(v: Value, key: Value): Value | undefined {
  const x = lookup(v, key);
  if (x !== undefined || (typeof key !== 'number' && typeof key !== 'bigint') || Array.isArray(v)) return x;
  return lookup(v, String(key));
}

/** Looks a path up from a node: follows children, then evaluates the node reached and navigates. */
export function lookupPath(s: EvalState, node: DataNode, path: Value[], from: number): Value | undefined {
  let cur = node;
  let i = from;
  while (i < path.length) {
    if (cur.kind !== 'none') break;
    const child = cur.children.get(keyOf(path[i])) ?? (typeof path[i] === 'number' ? cur.children.get(String(path[i])) : undefined);
    if (!child) {
      let v = cur.base;
      for (; i < path.length && v !== undefined; i++) v = baseLookup(v, path[i]);
      return v;
    }
    cur = child;
    i++;
  }
  let v = nodeValue(s, cur);
  for (; i < path.length && v !== undefined; i++) v = lookup(v, path[i]);
  return v;
}

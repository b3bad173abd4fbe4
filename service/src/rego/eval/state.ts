// Per-query evaluation state: input, data tree root, memo cache, function mocks, limits and builtin context.
import type { BuiltinContext, BuiltinDecl } from '../builtins/types.js';
import { RegoError, type RegoLocation } from '../errors.js';
import { LIMIT_ERROR_CODES, type EvalBudget, type ResolvedLimits } from '../limits.js';
import type { Value } from '../value.js';
import type { ClauseSink, CompiledClause, DataNode, NodeIds } from './tree.js';

/** A replacement installed by `with f as ...`: a value, a user function or a builtin. */
export type Mock = { kind: 'value'; value: Value } | { kind: 'node'; node: DataNode } | { kind: 'builtin'; decl: BuiltinDecl };

export type Frame = (Value | undefined)[];
/** Continuation: return true to stop the enumeration (a result was enough). */
export type K = () => boolean;
export type VK = (v: Value) => boolean;

/** Marker for a memoized undefined document. */
export const UNDEF: unique symbol = Symbol('undefined');

/** Steps between two reads of the clock while a deadline is set. */
const CLOCK_EVERY = 1024;

/** Linear search up to this many results per function; beyond it a Map takes over. */
const SMALL_CALL_MEMO = 16;

/**
 * Results of one function for scalar arguments (see callFunction). Keys compare with `===`, as
 * SameValueZero would for these keys. Functions see few distinct arguments per query: a flat
 * key/value array is cheaper to create and search than a Map.
 */
export class CallMemo {
  private n = 0;
  private readonly kv: unknown[] = [];
  private map: Map<unknown, Value | typeof UNDEF> | undefined;

  get(key: unknown): Value | typeof UNDEF | undefined {
    if (this.map !== undefined) return this.map.get(key);
    const kv = this.kv;
    for (let i = 0; i < this.n; i += 2) if (kv[i] === key) return kv[i + 1] as Value | typeof UNDEF;
    return undefined;
  }

  set(key: unknown, v: Value | typeof UNDEF): void {
    if (this.map !== undefined) {
      this.map.set(key, v);
      return;
    }
    if (this.n === 2 * SMALL_CALL_MEMO) {
      this.map = new Map();
      for (let i = 0; i < this.n; i += 2) this.map.set(this.kv[i], this.kv[i + 1] as Value | typeof UNDEF);
      this.map.set(key, v);
      return;
    }
    this.kv[this.n++] = key;
    this.kv[this.n++] = v;
  }

  clear(): void {
    this.kv.fill(undefined, 0, this.n);
    this.n = 0;
    this.map = undefined;
  }
}

/** Memoized documents and function results, by node id (an array index is cheaper than a hash lookup). */
export class Memo {
  readonly docs: (Value | typeof UNDEF | undefined)[];
  private readonly calls: (CallMemo | undefined)[] = [];
  /** Ids with a document memoized, and every function memo made: clearing costs what queries touched. */
  private readonly written: number[] = [];
  private nWritten = 0;
  private readonly callMemos: CallMemo[] = [];

  /** `nodes`: how many node ids the tree hands out (the docs array is sized once, not grown). */
  constructor(nodes = 0) {
    this.docs = new Array<Value | typeof UNDEF | undefined>(nodes).fill(undefined);
  }

  setDoc(id: number, v: Value | typeof UNDEF): void {
    if (this.docs[id] === undefined) this.written[this.nWritten++] = id;
    this.docs[id] = v;
  }

  /** The memo of function results for node `id`, created on first use. */
  callsOf(id: number): CallMemo {
    let calls = this.calls[id];
    if (calls === undefined) {
      calls = new CallMemo();
      this.calls[id] = calls;
      this.callMemos.push(calls);
    }
    return calls;
  }

  /** Forgets every result (keeps the arrays, so a reused state allocates none). */
  clear(): void {
    for (let i = 0; i < this.nWritten; i++) this.docs[this.written[i]] = undefined;
    this.nWritten = 0;
    for (const c of this.callMemos) c.clear();
  }
}

/** The frame of a clause without variables: nothing ever writes to it, so one serves all. */
export const EMPTY_FRAME: Frame = [];

/** A fresh frame of `n` slots (the shared empty one when there are none). */
export function newFrame(n: number): Frame {
  return n === 0 ? EMPTY_FRAME : new Array<Value | undefined>(n);
}

export class EvalState implements BuiltinContext {
  input: Value | undefined;
  root: DataNode;
  /** Memoized rule and document values, replaced while a `with` is active. */
  memo: Memo;
  mocks: Map<string, Mock> | undefined;
  steps = 0;
  /** Where the clause being run delivers its solutions (see runChain). */
  sink: ClauseSink | undefined;
  sinkClause: CompiledClause | undefined;
  produced = false;
  /** What the sinks of the rule or function being evaluated accumulate (see evalComplete). */
  acc: Value | undefined;
  accNode: DataNode | undefined;
  depth = 0;
  /** Bytes charged by builtins (see charge). */
  bytes = 0;
  /** The tighter of the query's limits and what its request's budget has left. */
  stepLimit = 0;
  byteLimit = 0;
  deadline = 0;
  /** The step count at which the clock is read next (Infinity without a deadline). */
  nextClock = Number.POSITIVE_INFINITY;
  startedAt = 0;
  budget: EvalBudget | undefined;
  /** Ids for the nodes of `with data` overlays: after the compiled tree's, fresh per query. */
  readonly overlayIds: NodeIds;
  limits: ResolvedLimits;
  strict: boolean;
  /** The memo of the base tree, kept for reuse by the next query (see reset). */
  readonly #baseMemo: Memo;
  #cache: Map<string, unknown> | undefined;
  #nowNs: bigint | undefined;
  #printSink: ((line: string) => void) | undefined;

  constructor(
    readonly baseRoot: DataNode,
    input: Value | undefined,
    limits: ResolvedLimits,
    strict: boolean,
    nowNs: bigint | undefined,
    printSink: ((line: string) => void) | undefined,
    budget?: EvalBudget,
  ) {
    this.root = baseRoot;
    this.overlayIds = { next: baseRoot.ids.next };
    this.input = input;
    this.limits = limits;
    this.strict = strict;
    this.#nowNs = nowNs;
    this.#printSink = printSink;
    this.#bound(limits, budget);
    this.#baseMemo = new Memo(baseRoot.ids.next);
    this.memo = this.#baseMemo;
  }

  /** Readies a finished state for another query, as the constructor would have left it. */
  reset(
    input: Value | undefined,
    limits: ResolvedLimits,
    strict: boolean,
    nowNs: bigint | undefined,
    printSink: ((line: string) => void) | undefined,
    budget: EvalBudget | undefined,
  ): void {
    this.input = input;
    this.root = this.baseRoot;
    this.memo = this.#baseMemo;
    this.mocks = undefined;
    this.steps = 0;
    this.sink = undefined;
    this.sinkClause = undefined;
    this.produced = false;
    this.acc = undefined;
    this.accNode = undefined;
    this.depth = 0;
    this.overlayIds.next = this.baseRoot.ids.next;
    this.limits = limits;
    this.strict = strict;
    this.#bound(limits, budget);
    this.#cache = undefined;
    this.#nowNs = nowNs;
    this.#printSink = printSink;
  }

  /** Sets the query's step, byte and time bounds from its limits and its request's budget. */
  #bound(limits: ResolvedLimits, budget: EvalBudget | undefined): void {
    this.budget = budget;
    this.bytes = 0;
    this.stepLimit = budget ? Math.min(limits.maxSteps, budget.steps) : limits.maxSteps;
    this.byteLimit = budget ? Math.min(limits.maxBytes, budget.bytes) : limits.maxBytes;
    const ms = budget ? (limits.timeoutMs > 0 ? Math.min(limits.timeoutMs, budget.ms) : budget.ms) : limits.timeoutMs;
    const timed = budget !== undefined || limits.timeoutMs > 0;
    this.startedAt = timed ? Date.now() : 0;
    this.deadline = timed ? this.startedAt + ms : 0;
    // A spent budget stops the query at its first step.
    this.nextClock = timed ? 1 : Number.POSITIVE_INFINITY;
  }

  /** Charges the request's budget with what this query used; call once when it ends. */
  settle(): void {
    if (this.budget === undefined) return;
    this.budget.spend(this.steps, this.bytes, Date.now() - this.startedAt);
    this.budget = undefined;
  }

  /** Drops everything the finished query referenced (input, memoized values), keeping the arrays. */
  release(): void {
    this.input = undefined;
    this.root = this.baseRoot;
    this.memo = this.#baseMemo;
    this.#baseMemo.clear();
    this.mocks = undefined;
    this.sink = undefined;
    this.sinkClause = undefined;
    this.acc = undefined;
    this.accNode = undefined;
    this.#cache = undefined;
    this.#printSink = undefined;
  }

  /** Per-query cache of builtins, created on first use. */
  get cache(): Map<string, unknown> {
    this.#cache ??= new Map();
    return this.#cache;
  }

  /** The query's fixed time, read from the clock on first use (most queries never ask). */
  get nowNs(): bigint {
    this.#nowNs ??= BigInt(Date.now()) * 1_000_000n;
    return this.#nowNs;
  }

  print(line: string): void {
    this.#printSink?.(line);
  }

  /** Counts one evaluation step; throws when the budget or the time is spent. */
  step(loc: RegoLocation): void {
    if (++this.steps > this.stepLimit) this.#overSteps(loc);
    if (this.steps >= this.nextClock) this.#checkClock(loc);
  }

  /**
   * Charges `size` bytes (characters, elements) a builtin is about to build, and one step per 1024 of
   * them for the work; throws before anything is built when that would go over a limit.
   */
  charge(size: number, loc?: RegoLocation): void {
    if (!(size > 0)) return;
    this.bytes += size;
    if (this.bytes > this.byteLimit) {
      const request = this.budget !== undefined && this.budget.bytes <= this.limits.maxBytes;
      throw new RegoError(LIMIT_ERROR_CODES.memory, `${request ? 'request' : 'evaluation'} exceeded ${request ? this.budget!.maxBytes : this.byteLimit} bytes built`, loc);
    }
    this.steps += Math.floor(size / 1024);
    if (this.steps > this.stepLimit) this.#overSteps(loc);
    if (this.deadline !== 0) this.#checkClock(loc);
  }

  #overSteps(loc: RegoLocation | undefined): never {
    const request = this.budget !== undefined && this.budget.steps <= this.limits.maxSteps;
    throw new RegoError(LIMIT_ERROR_CODES.steps, `${request ? 'request' : 'evaluation'} exceeded ${request ? this.budget!.maxSteps : this.stepLimit} steps`, loc);
  }

  #checkClock(loc: RegoLocation | undefined): void {
    this.nextClock = this.steps + CLOCK_EVERY;
    if (Date.now() < this.deadline) return;
    const ms = this.budget !== undefined ? this.budget.timeoutMs : this.limits.timeoutMs;
    throw new RegoError(LIMIT_ERROR_CODES.time, `${this.budget !== undefined ? 'request' : 'evaluation'} exceeded ${ms} ms`, loc);
  }

  enter(loc: RegoLocation): void {
    if (++this.depth > this.limits.maxDepth) throw new RegoError('eval_depth_limit_error', `evaluation exceeded depth ${this.limits.maxDepth}`, loc);
  }

  leave(): void {
    this.depth--;
  }
}

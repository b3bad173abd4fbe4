// Per-query evaluation state: input, data tree root, memo cache, function mocks, limits and builtin context.
import type { BuiltinContext, BuiltinDecl } from '../builtins/types.js';
import { RegoError, type RegoLocation } from '../errors.js';
import type { ResolvedLimits } from '../limits.js';
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

/** Results of one function for scalar arguments (see callFunction). */
export type CallMemo = Map<unknown, Value | typeof UNDEF>;

/** Memoized documents and function results, by node id (an array index is cheaper than a hash lookup). */
export class Memo {
  readonly docs: (Value | typeof UNDEF | undefined)[] = [];
  readonly calls: (CallMemo | undefined)[] = [];
}

export class EvalState implements BuiltinContext {
  input: Value | undefined;
  root: DataNode;
  /** Memoized rule and document values, replaced while a `with` is active. */
  memo = new Memo();
  mocks: Map<string, Mock> | undefined;
  steps = 0;
  /** Where the clause being run delivers its solutions (see runChain). */
  sink: ClauseSink | undefined;
  sinkClause: CompiledClause | undefined;
  produced = false;
  depth = 0;
  readonly deadline: number;
  /** Ids for the nodes of `with data` overlays: after the compiled tree's, fresh per query. */
  readonly overlayIds: NodeIds;
  #cache: Map<string, unknown> | undefined;
  #nowNs: bigint | undefined;

  constructor(
    readonly baseRoot: DataNode,
    input: Value | undefined,
    readonly limits: ResolvedLimits,
    readonly strict: boolean,
    nowNs: bigint | undefined,
    private readonly printSink: ((line: string) => void) | undefined,
  ) {
    this.root = baseRoot;
    this.overlayIds = { next: baseRoot.ids.next };
    this.input = input;
    this.deadline = limits.timeoutMs > 0 ? Date.now() + limits.timeoutMs : 0;
    this.#nowNs = nowNs;
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
    this.printSink?.(line);
  }

  /** Counts one evaluation step; throws when the budget or the time is spent. */
  step(loc: RegoLocation): void {
    if (++this.steps > this.limits.maxSteps) throw new RegoError('eval_step_limit_error', `evaluation exceeded ${this.limits.maxSteps} steps`, loc);
    if (this.deadline !== 0 && (this.steps & 1023) === 0 && Date.now() > this.deadline) {
      throw new RegoError('eval_timeout_error', `evaluation exceeded ${this.limits.timeoutMs} ms`, loc);
    }
  }

  enter(loc: RegoLocation): void {
    if (++this.depth > this.limits.maxDepth) throw new RegoError('eval_depth_limit_error', `evaluation exceeded depth ${this.limits.maxDepth}`, loc);
  }

  leave(): void {
    this.depth--;
  }
}

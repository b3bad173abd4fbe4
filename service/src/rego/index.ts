// Public door of the Rego engine: compile modules once, then evaluate queries, refs and tests against inputs.
import type { Term } from './ast.js';
import { BUILTINS } from './builtins/index.js';
import { captureQueryValues, compileProgram, safetyContext, type CompiledProgram } from './compiler/index.js';
import { checkCalls } from './compiler/checks.js';
import { resolveQuery } from './compiler/resolve.js';
import { checkBody } from './compiler/safety.js';
import { ErrorList, RegoCompileError, RegoError, type RegoErrorInfo, type RegoLocation } from './errors.js';
import { findNode, type CodegenContext } from './eval/context.js';
import { CoverageRecorder } from './eval/coverage.js';
import { coverageReport, type CoverageReport } from './coverage-report.js';
import { compileBody, DONE } from './eval/exprs.js';
import { EMPTY_FRAME, EvalState, newFrame } from './eval/state.js';
import { Tracer, type TraceSite } from './eval/trace.js';
import type { Trace } from './explain.js';
import { compileTerm } from './eval/terms.js';
import { newNode, nodeValue, type DataNode, type Get, type Goal } from './eval/tree.js';
import { resolveLimits, type EvalBudget, type EvalLimits, type ResolvedLimits } from './limits.js';
import { ParseError, parseModuleAst, parseQueryAst, parseTermAst } from './parser.js';
import type { Value } from './value.js';

export { RegoError, RegoCompileError, formatRegoError } from './errors.js';
export type { RegoErrorInfo, RegoLocation } from './errors.js';
export { EvalBudget, LIMIT_ERROR_CODES, limitOfCode } from './limits.js';
export type { EvalLimits, LimitKind } from './limits.js';
export { capabilities, capabilityBuiltins } from './capabilities.js';
export type { CoverageRange, CoverageReport, FileCoverage } from './coverage-report.js';
export * from './value.js';
export { EXPLAIN_MODES, explain, filterTrace, formatSteps, formatSummary, summarize } from './explain.js';
export type { ExplainedClause, ExplainMode, ExplainStep, ExplainSummary, Explanation, FailedClause, Trace } from './explain.js';
export type { TraceEvent, TraceOp, TraceSite } from './eval/trace.js';

export interface ModuleSource {
  path: string;
  source: string;
}

export interface CompileOptions {
  modules: ModuleSource[];
  data?: Value;
  limits?: EvalLimits;
  /** Only these builtins may be called (a capabilities document's); others are undefined functions. */
  builtins?: ReadonlySet<string>;
  /** Record which rows evaluation reaches, for Policy.coverage() (off: no cost at all). */
  coverage?: boolean;
}

export interface EvalOptions {
  input?: Value;
  nowNs?: bigint;
  strictBuiltinErrors?: boolean;
  print?: (line: string) => void;
  limits?: EvalLimits;
  /** Shared with the other queries of one request: they spend it together (see EvalBudget). */
  budget?: EvalBudget;
}

export interface QueryResult {
  expressions: Value[];
  bindings: Record<string, Value>;
}

export interface TestResult {
  name: string;
  package: string;
  passed: boolean;
  error?: RegoErrorInfo;
  location?: RegoLocation;
  durationMs: number;
  /** Lines the test printed (print()), when it printed any. */
  output?: string[];
}

export interface ExplainOptions extends EvalOptions {
  /** Events recorded at most (default 100,000); the rest are counted in `trace.dropped`. */
  maxEvents?: number;
}

/** A traced evaluation: what it produced (or the error that stopped it) and its trace. */
export interface Traced<T> {
  result?: T;
  error?: RegoError;
  trace: Trace;
}

export interface Policy {
  readonly modules: readonly ModuleSource[];
  evalQuery(query: string, opts?: EvalOptions): QueryResult[];
  evalRef(ref: string, opts?: EvalOptions): Value | undefined;
  /**
   * evalQuery and evalRef with a trace. They run a second compilation of the policy made for tracing
   * (built on first use), so the plain evaluations carry no tracing code at all.
   */
  explainQuery(query: string, opts?: ExplainOptions): Traced<QueryResult[]>;
  explainRef(ref: string, opts?: ExplainOptions): Traced<Value | undefined>;
  runTests(opts?: { filter?: RegExp } & EvalOptions): TestResult[];
  /** Rows reached by the evaluations so far, in OPA's report format; undefined unless compiled with coverage. */
  coverage(): CoverageReport | undefined;
  /** Whether rules define the document at `path` under `data` (tells "undefined" from "missing"). */
  hasRules(path: readonly (string | number)[]): boolean;
}

interface CompiledQuery {
  goal: Goal;
  nslots: number;
  exprSlots: (number | undefined)[];
  bindings: [string, number][];
}

const QUERY_FILE = 'query.rego';
const MAX_CACHED_QUERIES = 256;
const MAX_TRACE_EVENTS = 100_000;

/** Converts anything thrown during evaluation into a RegoError. */
function toRegoError(e: unknown): RegoError | RegoCompileError {
  if (e instanceof RegoError || e instanceof RegoCompileError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new RegoError('eval_depth_limit_error', 'evaluation exceeded the maximum call depth');
  return new RegoError('eval_internal_error', e instanceof Error ? e.message : String(e));
}

function parseErrors(e: unknown, sources: Map<string, string>): never {
  if (e instanceof ParseError) {
    const list = new ErrorList(sources);
    list.add('rego_parse_error', e.message, e.loc);
    list.throwIfAny();
  }
  throw e;
}

interface CompiledRef {
  get: Get;
  nslots: number;
}

class CompiledPolicy implements Policy {
  private readonly queries = new Map<string, CompiledQuery>();
  private readonly refs = new Map<string, CompiledRef>();
  /** One state reused by successive queries (its memo arrays especially); a nested query makes its own. */
  private spare: EvalState | undefined;
  private spareBusy = false;
  private readonly limits: EvalLimits | undefined;
  private defaultLimits: ResolvedLimits | undefined;

  /** The same policy compiled for tracing, made by the first explain call. */
  private traced: CompiledPolicy | undefined;

  constructor(
    readonly modules: readonly ModuleSource[],
    private readonly program: CompiledProgram,
    limits: EvalLimits | undefined,
    private readonly data: Value | undefined,
    private readonly recorder?: CoverageRecorder,
  ) {
    this.limits = limits;
  }

  coverage(): CoverageReport | undefined {
    return this.recorder ? coverageReport(this.program.modules, this.recorder) : undefined;
  }

  private resolvedLimits(opts: EvalOptions | undefined): ResolvedLimits {
    return opts?.limits ? resolveLimits(this.limits, opts.limits) : (this.defaultLimits ??= resolveLimits(this.limits));
  }

  private state(opts: EvalOptions | undefined): EvalState {
    return new EvalState(this.program.root, opts?.input, this.resolvedLimits(opts), opts?.strictBuiltinErrors ?? false, opts?.nowNs, opts?.print, opts?.budget);
  }

  /** The spare state readied for a query, or a fresh one while the spare is in use; pair with release. */
  private acquire(opts: EvalOptions | undefined): EvalState {
    if (this.spareBusy) return this.state(opts);
    this.spareBusy = true;
    if (!this.spare) return (this.spare = this.state(opts));
    this.spare.reset(opts?.input, this.resolvedLimits(opts), opts?.strictBuiltinErrors ?? false, opts?.nowNs, opts?.print, opts?.budget);
    return this.spare;
  }

  private tracedPolicy(): CompiledPolicy {
    this.traced ??= new CompiledPolicy(this.modules, compileProgram([...this.modules], this.data, this.program.builtins, { traceHolder: { tracer: new Tracer(0) } }), this.limits, this.data);
    return this.traced;
  }

  /** Runs `evaluate` on the traced policy with a tracer; `text` names the query or ref at depth 0. */
  private withTracer<T>(text: string, opts: ExplainOptions | undefined, evaluate: (p: CompiledPolicy, o: EvalOptions | undefined) => T, defined: (r: T) => boolean): Traced<T> {
    const traced = this.tracedPolicy();
    const tracer = new Tracer(opts?.maxEvents ?? MAX_TRACE_EVENTS);
    const root: TraceSite = { kind: 'rule', rule: 'query', location: { file: QUERY_FILE, row: 1, col: 1 }, text };
    const userPrint = opts?.print;
    // print output becomes a note at the place of the last event (the print expression's eval).
    const print = (line: string): void => {
      tracer.emit('note', tracer.events.at(-1)?.site ?? root, tracer.depth, line);
      userPrint?.(line);
    };
    const holder = traced.program.traceHolder!;
    const idle = holder.tracer;
    tracer.emit('enter', root);
    tracer.depth = 1;
    holder.tracer = tracer;
    try {
      const result = evaluate(traced, { ...opts, print });
      tracer.depth = 0;
      tracer.emit(defined(result) ? 'exit' : 'fail', root);
      return { result, trace: { events: tracer.events, dropped: tracer.dropped } };
    } catch (e) {
      const err = toRegoError(e);
      tracer.depth = 0;
      tracer.emit('fail', root);
      const error = err instanceof RegoError ? err : new RegoError(err.errors[0]?.code ?? 'eval_internal_error', err.message);
      return { error, trace: { events: tracer.events, dropped: tracer.dropped } };
    } finally {
      holder.tracer = idle;
    }
  }

  explainQuery(query: string, opts?: ExplainOptions): Traced<QueryResult[]> {
    return this.withTracer(query, opts, (p, o) => p.evalQuery(query, o), (r) => r.length > 0);
  }

  explainRef(ref: string, opts?: ExplainOptions): Traced<Value | undefined> {
    return this.withTracer(ref, opts, (p, o) => p.evalRef(ref, o), (r) => r !== undefined);
  }

  private release(s: EvalState): void {
    s.settle();
    if (s !== this.spare) return;
    s.release();
    this.spareBusy = false;
  }

  private context(query?: string): CodegenContext {
    const ctx: CodegenContext = { root: this.program.root, builtins: this.program.builtins, boundBefore: this.program.boundBefore, slots: new Map(), nslots: 0 };
    const holder = this.program.traceHolder;
    if (holder && query !== undefined) ctx.trace = { sources: new Map([[QUERY_FILE, query]]), rule: 'query', holder };
    return ctx;
  }

  private compileQuery(query: string): CompiledQuery {
    const cached = this.queries.get(query);
    if (cached) return cached;
    const sources = new Map([[QUERY_FILE, query]]);
    let body;
    try {
      body = parseQueryAst(QUERY_FILE, query);
    } catch (e) {
      parseErrors(e, sources);
    }
    const errors = new ErrorList(sources);
    const { body: resolved, names } = resolveQuery(body, errors);
    errors.throwIfAny();
    checkCalls(this.program, [resolved], [], errors);
    errors.throwIfAny();
    // Captured before safety so the generated vars count as bound by their expressions.
    const { body: captured, captures } = captureQueryValues(resolved, this.program);
    const sctx = safetyContext({ ...this.program, errors, boundBefore: this.program.boundBefore }, names);
    checkBody(sctx, captured, new Set());
    errors.throwIfAny();
    const ctx = this.context(query);
    const { goal } = compileBody(ctx, captured, new Set(), DONE);
    const exprSlots = captures.map((name) => (name === undefined ? undefined : ctx.slots.get(name)));
    const bindings: [string, number][] = [];
    for (const [name, slot] of ctx.slots) {
      if (name.startsWith('$')) continue;
      const display = name.includes('$') ? names.get(name) : name;
      if (display && display !== '_') bindings.push([display, slot]);
    }
    const q: CompiledQuery = { goal, nslots: ctx.nslots, exprSlots, bindings };
    if (this.queries.size >= MAX_CACHED_QUERIES) this.queries.clear();
    this.queries.set(query, q);
    return q;
  }

  evalQuery(query: string, opts?: EvalOptions): QueryResult[] {
    const q = this.compileQuery(query);
    const s = this.acquire(opts);
    const results: QueryResult[] = [];
    const f: (Value | undefined)[] = new Array(q.nslots);
    try {
      q.goal(s, f, () => {
        const bindings: Record<string, Value> = {};
        for (const [name, slot] of q.bindings) if (f[slot] !== undefined) bindings[name] = f[slot]!;
        results.push({ expressions: q.exprSlots.map((slot) => (slot === undefined ? true : f[slot]!)), bindings });
        return false;
      });
    } catch (e) {
      throw toRegoError(e);
    } finally {
      this.release(s);
    }
    return results;
  }

  evalRef(ref: string, opts?: EvalOptions): Value | undefined {
    let compiled = this.refs.get(ref);
    if (!compiled) {
      let term: Term;
      try {
        term = parseTermAst(QUERY_FILE, ref);
      } catch (e) {
        parseErrors(e, new Map([[QUERY_FILE, ref]]));
      }
      if (term.type !== 'ref' && !(term.type === 'var' && (term.name === 'data' || term.name === 'input'))) {
        throw new RegoError('rego_compile_error', `not a reference: ${ref}`);
      }
      const ctx = this.context();
      const c = compileTerm(ctx, term, new Set());
      if (!c.get) throw new RegoError('rego_compile_error', `reference must be ground: ${ref}`);
      compiled = { get: c.get, nslots: ctx.nslots };
      // Bounded: refs can come from requests (the Data API), each path a new entry.
      if (this.refs.size >= MAX_CACHED_QUERIES) this.refs.clear();
      this.refs.set(ref, compiled);
    }
    const s = this.acquire(opts);
    try {
      return compiled.get(s, newFrame(compiled.nslots));
    } catch (e) {
      throw toRegoError(e);
    } finally {
      this.release(s);
    }
  }

  hasRules(path: readonly (string | number)[]): boolean {
    const node = findNode(this.program.root, path.map(String));
    return node !== undefined && (node.rules.length > 0 || node.defaultRule !== undefined);
  }

  runTests(opts?: { filter?: RegExp } & EvalOptions): TestResult[] {
    const out: TestResult[] = [];
    const visit = (node: DataNode): void => {
      const last = node.path[node.path.length - 1];
      if (typeof last === 'string' && last.startsWith('test_') && node.kind === 'complete' && (!opts?.filter || opts.filter.test(node.name))) {
        const started = performance.now();
        const pkg = node.name.slice(0, node.name.length - last.length - 1);
        const location = node.rules[0]?.loc;
        const printed: string[] = [];
        const s = this.state({ ...opts, print: (line) => { printed.push(line); opts?.print?.(line); } });
        const output = (): { output?: string[] } => (printed.length > 0 ? { output: printed } : {});
        try {
          const v = nodeValue(s, node);
          out.push({ name: node.name, package: pkg, passed: v !== undefined && v !== false, location, durationMs: performance.now() - started, ...output() });
        } catch (e) {
          const err = toRegoError(e);
          const error: RegoErrorInfo = err instanceof RegoError ? err.info() : (err.errors[0] ?? { code: 'eval_internal_error', message: err.message });
          out.push({ name: node.name, package: pkg, passed: false, error, location, durationMs: performance.now() - started, ...output() });
        } finally {
          s.settle();
        }
      }
      node.children.forEach(visit);
    };
    visit(this.program.root);
    return out;
  }
}

/** Compiles modules and base data once; throws RegoCompileError listing every problem. */
export function compilePolicy(opts: CompileOptions): Policy {
  const allowed = opts.builtins;
  const builtins = allowed === undefined ? BUILTINS : new Map([...BUILTINS].filter(([name]) => allowed.has(name)));
  const recorder = opts.coverage ? new CoverageRecorder() : undefined;
  const program = compileProgram(opts.modules, opts.data, builtins, recorder ? { coverage: recorder } : {});
  return new CompiledPolicy([...opts.modules], program, opts.limits, opts.data, recorder);
}

/** Parses a Rego term literal (sets allowed), e.g. for input terms. */
export function parseValue(text: string): Value {
  let term: Term;
  try {
    term = parseTermAst('value', text);
  } catch (e) {
    parseErrors(e, new Map([['value', text]]));
  }
  const ctx: CodegenContext = { root: newNode('data', [], undefined), builtins: new Map(), boundBefore: new WeakMap(), slots: new Map(), nslots: 0 };
  const c = compileTerm(ctx, term, new Set());
  if (ctx.nslots > 0 || !c.get) throw new RegoError('rego_parse_error', 'value must be a constant term');
  const s = new EvalState(ctx.root, undefined, resolveLimits(), false, 0n, undefined);
  const v = c.get(s, EMPTY_FRAME);
  if (v === undefined) throw new RegoError('rego_parse_error', 'value must be a constant term');
  return v;
}

/** Parses one module into its AST (for tooling). */
export function parseModule(path: string, source: string): unknown {
  try {
    return parseModuleAst(path, source);
  } catch (e) {
    parseErrors(e, new Map([[path, source]]));
  }
}

// Public door of the Rego engine: compile modules once, then evaluate queries, refs and tests against inputs.
import type { Term } from './ast.js';
import { BUILTINS } from './builtins/index.js';
import { compileProgram, safetyContext, type CompiledProgram } from './compiler/index.js';
import { checkCalls } from './compiler/checks.js';
import { resolveQuery } from './compiler/resolve.js';
import { checkBody } from './compiler/safety.js';
import { ErrorList, RegoCompileError, RegoError, type RegoErrorInfo, type RegoLocation } from './errors.js';
import type { CodegenContext } from './eval/context.js';
import { compileBody, DONE } from './eval/exprs.js';
import { EvalState } from './eval/state.js';
import { compileTerm } from './eval/terms.js';
import { newNode, nodeValue, type DataNode, type Get, type Goal } from './eval/tree.js';
import { resolveLimits, type EvalLimits, type ResolvedLimits } from './limits.js';
import { ParseError, parseModuleAst, parseQueryAst, parseTermAst } from './parser.js';
import type { Value } from './value.js';

export { RegoError, RegoCompileError, formatRegoError } from './errors.js';
export type { RegoErrorInfo, RegoLocation } from './errors.js';
export type { EvalLimits } from './limits.js';
export * from './value.js';

export interface ModuleSource {
  path: string;
  source: string;
}

export interface CompileOptions {
  modules: ModuleSource[];
  data?: Value;
  limits?: EvalLimits;
}

export interface EvalOptions {
  input?: Value;
  nowNs?: bigint;
  strictBuiltinErrors?: boolean;
  print?: (line: string) => void;
  limits?: EvalLimits;
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
}

export interface Policy {
  readonly modules: readonly ModuleSource[];
  evalQuery(query: string, opts?: EvalOptions): QueryResult[];
  evalRef(ref: string, opts?: EvalOptions): Value | undefined;
  runTests(opts?: { filter?: RegExp } & EvalOptions): TestResult[];
}

interface CompiledQuery {
  goal: Goal;
  nslots: number;
  exprSlots: (number | undefined)[];
  bindings: [string, number][];
}

const QUERY_FILE = 'query.rego';
const MAX_CACHED_QUERIES = 256;

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

class CompiledPolicy implements Policy {
  private readonly queries = new Map<string, CompiledQuery>();
  private readonly refs = new Map<string, Get>();
  private readonly limits: EvalLimits | undefined;
  private defaultLimits: ResolvedLimits | undefined;

  constructor(
    readonly modules: readonly ModuleSource[],
    private readonly program: CompiledProgram,
    limits: EvalLimits | undefined,
  ) {
    this.limits = limits;
  }

  private state(opts: EvalOptions | undefined): EvalState {
    const limits = opts?.limits ? resolveLimits(this.limits, opts.limits) : (this.defaultLimits ??= resolveLimits(this.limits));
    return new EvalState(this.program.root, opts?.input, limits, opts?.strictBuiltinErrors ?? false, opts?.nowNs, opts?.print);
  }

  private context(): CodegenContext {
    return { root: this.program.root, builtins: this.program.builtins, boundBefore: this.program.boundBefore, slots: new Map(), nslots: 0 };
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
    const sctx = safetyContext({ ...this.program, errors, boundBefore: this.program.boundBefore }, names);
    checkBody(sctx, resolved, new Set());
    errors.throwIfAny();
    const ctx = this.context();
    const exprSlots: (number | undefined)[] = [];
    const capture = resolved.map((e) => {
      if (e.kind === 'term' && !e.negated && e.with.length === 0) {
        const slot = ctx.nslots++;
        exprSlots.push(slot);
        return { e, slot };
      }
      exprSlots.push(undefined);
      return { e, slot: undefined };
    });
    const { goal } = compileBody(ctx, resolved, new Set(), DONE);
    // Expression values: re-evaluate captured term expressions on success (they are ground by then).
    const getters = capture.map(({ e }) => (e.kind === 'term' && !e.negated && e.with.length === 0 ? compileTerm(ctx, e.term, new Set(this.allVars(ctx))).get : undefined));
    const bindings: [string, number][] = [];
    for (const [name, slot] of ctx.slots) {
      if (name.startsWith('$')) continue;
      const display = name.includes('$') ? names.get(name) : name;
      if (display && display !== '_') bindings.push([display, slot]);
    }
    const q: CompiledQuery = {
      goal: (s, f, k) =>
        goal(s, f, () => {
          getters.forEach((g, i) => {
            const slot = exprSlots[i];
            if (g && slot !== undefined) f[slot] = g(s, f);
          });
          return k();
        }),
      nslots: 0,
      exprSlots,
      bindings,
    };
    q.nslots = ctx.nslots;
    if (this.queries.size >= MAX_CACHED_QUERIES) this.queries.clear();
    this.queries.set(query, q);
    return q;
  }

  private allVars(ctx: CodegenContext): string[] {
    return [...ctx.slots.keys()];
  }

  evalQuery(query: string, opts?: EvalOptions): QueryResult[] {
    const q = this.compileQuery(query);
    const s = this.state(opts);
    const results: QueryResult[] = [];
    const f: (Value | undefined)[] = new Array(q.nslots);
    try {
      q.goal(s, f, () => {
        const bindings: Record<string, Value> = {};
        for (const [name, slot] of q.bindings) if (f[slot] !== undefined) bindings[name] = f[slot]!;
        results.push({ expressions: q.exprSlots.map((slot) => (slot === undefined ? true : (f[slot] ?? true))), bindings });
        return false;
      });
    } catch (e) {
      throw toRegoError(e);
    }
    return results;
  }

  evalRef(ref: string, opts?: EvalOptions): Value | undefined {
    let get = this.refs.get(ref);
    if (!get) {
      let term: Term;
      try {
        term = parseTermAst(QUERY_FILE, ref);
      } catch (e) {
        parseErrors(e, new Map([[QUERY_FILE, ref]]));
      }
      if (term.type !== 'ref' && !(term.type === 'var' && (term.name === 'data' || term.name === 'input'))) {
        throw new RegoError('rego_compile_error', `not a reference: ${ref}`);
      }
      const c = compileTerm(this.context(), term, new Set());
      if (!c.get) throw new RegoError('rego_compile_error', `reference must be ground: ${ref}`);
      get = c.get;
      this.refs.set(ref, get);
    }
    const s = this.state(opts);
    try {
      return get(s, []);
    } catch (e) {
      throw toRegoError(e);
    }
  }

  runTests(opts?: { filter?: RegExp } & EvalOptions): TestResult[] {
    const out: TestResult[] = [];
    const visit = (node: DataNode): void => {
      const last = node.path[node.path.length - 1];
      if (typeof last === 'string' && last.startsWith('test_') && node.kind === 'complete' && (!opts?.filter || opts.filter.test(node.name))) {
        const started = performance.now();
        const pkg = node.name.slice(0, node.name.length - last.length - 1);
        const location = node.rules[0]?.loc;
        try {
          const v = nodeValue(this.state(opts), node);
          out.push({ name: node.name, package: pkg, passed: v !== undefined && v !== false, location, durationMs: performance.now() - started });
        } catch (e) {
          const err = toRegoError(e);
          const error: RegoErrorInfo = err instanceof RegoError ? err.info() : (err.errors[0] ?? { code: 'eval_internal_error', message: err.message });
          out.push({ name: node.name, package: pkg, passed: false, error, location, durationMs: performance.now() - started });
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
  const program = compileProgram(opts.modules, opts.data, BUILTINS);
  return new CompiledPolicy([...opts.modules], program, opts.limits);
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
  const v = c.get(s, []);
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

// The compiler: parse → resolve → tree → functions → recursion → safety → codegen, run as a table of named stages.
import type { Body, Expr, Module } from '../ast.js';
import type { BuiltinDecl } from '../builtins/types.js';
import { ErrorList } from '../errors.js';
import { arityOf, resolveCallee } from '../eval/calls.js';
import type { CoverageRecorder } from '../eval/coverage.js';
import type { TraceHolder } from '../eval/trace.js';
import type { DataNode } from '../eval/tree.js';
import { ParseError, parseModuleAst } from '../parser.js';
import type { Value } from '../value.js';
import { checkAllCalls, checkRecursion } from './checks.js';
import { generate } from './codegen.js';
import { resolveModules, type ResolvedRule } from './resolve.js';
import { checkBody, checkHeadVars, patternVars, type SafetyContext } from './safety.js';
import { buildTree, type PlacedRule } from './tree-build.js';

export interface SourceFile {
  path: string;
  source: string;
}

export interface CompiledProgram {
  root: DataNode;
  builtins: ReadonlyMap<string, BuiltinDecl>;
  boundBefore: WeakMap<Expr, Set<string>>;
  sources: Map<string, string>;
  /** The parsed modules (what coverage reports on). */
  modules: Module[];
  /** The tracer holder of a program compiled for tracing. */
  traceHolder?: TraceHolder;
}

interface State {
  files: SourceFile[];
  data: Value | undefined;
  builtins: ReadonlyMap<string, BuiltinDecl>;
  errors: ErrorList;
  modules: Module[];
  resolved: ResolvedRule[];
  root?: DataNode;
  placed: PlacedRule[];
  boundBefore: WeakMap<Expr, Set<string>>;
  coverage?: CoverageRecorder;
  /** Set to compile for tracing: every clause and expression emits trace events to its tracer. */
  traceHolder: TraceHolder | undefined;
  sources: Map<string, string>;
}

export function safetyContext(st: { root: DataNode; builtins: ReadonlyMap<string, BuiltinDecl>; errors: ErrorList; boundBefore: WeakMap<Expr, Set<string>> }, names: Map<string, string>): SafetyContext {
  return {
    errors: st.errors,
    boundBefore: st.boundBefore,
    reported: new Set(),
    displayName: (v) => names.get(v) ?? v,
    isFunction: (t) => (t.type === 'var' || t.type === 'ref') && resolveCallee(st, t).kind !== 'unknown',
    isOutputCall: (call) => {
      const arity = arityOf(resolveCallee(st, call.fn));
      return arity !== undefined && call.args.length === arity + 1;
    },
  };
}

/** Ordered, named compiler stages; each stops the pipeline when it leaves errors behind. */
const STAGES: readonly [string, (st: State) => void][] = [
  [
    'parse',
    (st) => {
      for (const f of st.files) {
        try {
          st.modules.push(parseModuleAst(f.path, f.source));
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          st.errors.add('rego_parse_error', e.message, e.loc);
        }
      }
    },
  ],
  ['resolve', (st) => (st.resolved = resolveModules(st.modules, st.errors))],
  [
    'tree',
    (st) => {
      const { root, placed } = buildTree(st.resolved, st.data, st.errors);
      st.root = root;
      st.placed = placed;
    },
  ],
  ['functions', (st) => checkAllCalls({ root: st.root!, builtins: st.builtins }, st.placed, st.errors)],
  ['recursion', (st) => checkRecursion(st.root!, st.placed, st.errors)],
  [
    'safety',
    (st) => {
      for (const p of st.placed) {
        const ctx = safetyContext({ root: st.root!, builtins: st.builtins, errors: st.errors, boundBefore: st.boundBefore }, p.resolved.names);
        for (const c of p.resolved.clauses) {
          const bound = checkBody(ctx, c.body, patternVars(c.args ?? []));
          checkHeadVars(ctx, [...(c.value ? [c.value] : []), ...(c === p.resolved.clauses[0] ? p.suffix : [])], bound);
        }
      }
    },
  ],
  [
    'codegen',
    (st) => generate({
      root: st.root!, builtins: st.builtins, boundBefore: st.boundBefore,
      ...(st.coverage ? { coverage: st.coverage } : {}),
      ...(st.traceHolder ? { trace: { sources: st.sources, holder: st.traceHolder } } : {}),
    }, st.placed),
  ],
];

/** Compiles modules and base data into a program; throws RegoCompileError with every problem found. */
/** What a compilation may add: coverage recording (`test --coverage`) or tracing (explain). */
export interface CompileExtras {
  coverage?: CoverageRecorder;
  traceHolder?: TraceHolder;
}

export function compileProgram(files: SourceFile[], data: Value | undefined, builtins: ReadonlyMap<string, BuiltinDecl>, extras: CompileExtras = {}): CompiledProgram {
  const sources = new Map(files.map((f) => [f.path, f.source]));
  const st: State = {
    files, data, builtins, errors: new ErrorList(sources), modules: [], resolved: [], placed: [], boundBefore: new WeakMap(),
    traceHolder: extras.traceHolder, sources,
    ...(extras.coverage ? { coverage: extras.coverage } : {}),
  };
  for (const [, run] of STAGES) {
    run(st);
    st.errors.throwIfAny();
  }
  return { root: st.root!, builtins, boundBefore: st.boundBefore, sources, modules: st.modules, ...(extras.traceHolder ? { traceHolder: extras.traceHolder } : {}) };
}

export type { Body };
export { captureQueryValues } from './query-capture.js';
export type { CapturedQuery } from './query-capture.js';

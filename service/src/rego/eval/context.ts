// Code generation context shared by term and expression compilation: slots, tree, builtins, bound sets.
import type { Expr } from '../ast.js';
import type { BuiltinDecl } from '../builtins/types.js';
import type { CoverageRecorder } from './coverage.js';
import type { TraceCodegen } from './trace.js';
import type { DataNode } from './tree.js';

export interface CodegenContext {
  root: DataNode;
  builtins: ReadonlyMap<string, BuiltinDecl>;
  boundBefore: WeakMap<Expr, Set<string>>;
  /** Slot of each var of the clause being compiled. */
  slots: Map<string, number>;
  nslots: number;
  /** Set only when coverage is asked for (see coverage.ts). */
  coverage?: CoverageRecorder;
  /** Set when compiling a traced program (see trace.ts): bodies then emit trace events. */
  trace?: TraceCodegen;
}

export function slotOf(ctx: CodegenContext, name: string): number {
  let i = ctx.slots.get(name);
  if (i === undefined) {
    i = ctx.nslots++;
    ctx.slots.set(name, i);
  }
  return i;
}

export function tempSlot(ctx: CodegenContext): number {
  return ctx.nslots++;
}

/** The node at a constant data path, when one exists in the compiled tree. */
export function findNode(root: DataNode, path: string[]): DataNode | undefined {
  let cur: DataNode | undefined = root;
  for (const p of path) {
    cur = cur.children.get(p);
    if (!cur) return undefined;
  }
  return cur;
}

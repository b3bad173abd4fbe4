// Builtins of the "graph" category: walk (a relation over every nested [path, value]) and graph reachability.
import { isArray, isObject, isSet, objectEntries, objectGet, RegoSet, type PlainObject, type RegoObject, type Value } from '../value.js';
import { operandError, type BuiltinContext, type BuiltinDecl, type TypeSpec } from './types.js';

const VERTICES: TypeSpec = { oneOf: [{ array: 'any' }, { set: 'any' }] };
const GRAPH: TypeSpec = { object: ['any', VERTICES] };

/** Every [path, value] pair below `v`, pre-order, children in Rego's order (set members are their own keys). */
function walk(v: Value, ctx: BuiltinContext): Value[] {
  const out: Value[] = [];
  const visit = (path: Value[], x: Value): void => {
    // Shared parts of a value are visited once per reference: the paths can far outgrow the value.
    ctx.charge(path.length + 1);
    out.push([path, x]);
    if (isArray(x)) x.forEach((child, i) => visit([...path, i], child));
    else if (isSet(x)) for (const member of x.values()) visit([...path, member], member);
    else if (isObject(x)) for (const [k, child] of objectEntries(x)) visit([...path, k], child);
  };
  visit([], v);
  return out;
}

/** Vertices of an array or set; anything else has none. */
function vertices(v: Value | undefined): Value[] {
  if (isArray(v)) return v;
  if (isSet(v)) return v.values();
  return [];
}

function graphOperands(name: string, graph: Value, initial: Value): [PlainObject | RegoObject, Value[]] {
  if (!isObject(graph)) throw operandError(name, 1, 'object', graph);
  if (!isArray(initial) && !isSet(initial)) throw operandError(name, 2, '{array, set}', initial);
  return [graph, vertices(initial)];
}

/** Breadth-first: every start vertex present in the graph and everything reachable from it. */
function reachable([g, initial]: Value[]): Value {
  const [graph, queue] = graphOperands('graph.reachable', g, initial);
  const reached = new RegoSet();
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    const edges = objectGet(graph, node);
    if (edges === undefined || reached.has(node)) continue;
    for (const next of vertices(edges)) if (!reached.has(next)) queue.push(next);
    reached.add(node);
  }
  return reached;
}

/** Every maximal acyclic path from each start vertex; a path stops at a leaf, an unknown vertex or a cycle. */
function reachablePaths([g, initial]: Value[], ctx: BuiltinContext): Value {
  const [graph, starts] = graphOperands('graph.reachable_paths', g, initial);
  const result = new RegoSet();
  const extend = (node: Value, path: Value[], seen: RegoSet): void => {
    const edges = objectGet(graph, node);
    if (edges === undefined) {
      result.add(path);
      return;
    }
    // A graph can have exponentially many paths: each one is charged as it is built.
    ctx.charge(path.length + 1);
    const here = [...path, node];
    const next = vertices(edges);
    if (next.length === 0) {
      result.add(here);
      return;
    }
    const seenHere = new RegoSet([...seen.values(), node]);
    for (const n of next) {
      if (seenHere.has(n)) result.add(here);
      else extend(n, here, seenHere);
    }
  };
  for (const start of starts) {
    const edges = objectGet(graph, start);
    if (edges === undefined) continue;
    const next = vertices(edges);
    if (next.length === 0) result.add([start]);
    for (const n of next) extend(n, [start], new RegoSet([start]));
  }
  return result;
}

export const graphBuiltins: readonly BuiltinDecl[] = [
  { name: 'walk', args: ['any'], result: { array: 'any' }, relation: true, impl: ([v], ctx) => walk(v, ctx) },
  { name: 'graph.reachable', args: [GRAPH, VERTICES], result: { set: 'any' }, impl: reachable },
  { name: 'graph.reachable_paths', args: [GRAPH, VERTICES], result: { set: { array: 'any' } }, impl: reachablePaths },
];

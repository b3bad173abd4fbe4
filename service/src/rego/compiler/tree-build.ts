// Compiler stage "tree": places every rule at its path in the data tree, next to base data; checks rule kinds.
import type { Term } from '../ast.js';
import type { ErrorList } from '../errors.js';
import type { Value } from '../value.js';
import { newNode, type DataNode, type NodeKind } from '../eval/tree.js';
import { keyOf, lookup } from '../eval/values.js';
import type { ResolvedRule } from './resolve.js';

export interface PlacedRule {
  resolved: ResolvedRule;
  node: DataNode;
  /** Head ref terms after the node's path (the dynamic part). */
  suffix: Term[];
  kind: NodeKind;
}

function displayKey(v: Value): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function childNode(parent: DataNode, key: Value): DataNode {
  const k = keyOf(key);
  let child = parent.children.get(k);
  if (!child) {
    child = newNode(`${parent.name}.${displayKey(key)}`, [...parent.path, key], lookup(parent.base, key), parent.ids);
    parent.children.set(k, child);
  }
  return child;
}

/** Builds the tree: root holds base data; each rule sits at its constant head prefix. */
export function buildTree(rules: ResolvedRule[], data: Value | undefined, errors: ErrorList): { root: DataNode; placed: PlacedRule[] } {
  const root = newNode('data', [], data ?? Object.create(null));
  const placed: PlacedRule[] = [];
  for (const r of rules) {
    let node = root;
    let i = 0;
    for (; i < r.path.length; i++) {
      const t = r.path[i];
      if (t.type !== 'scalar') break;
      node = childNode(node, t.value as Value);
    }
    const suffix = r.path.slice(i);
    const rk = r.rule.kind;
    const kind: NodeKind = rk === 'function' ? 'function' : suffix.length > 0 ? 'object' : rk;
    if (node.kind !== 'none' && node.kind !== kind) {
      errors.add('rego_type_error', `conflicting rules ${node.name} found`, r.rule.loc);
      continue;
    }
    node.kind = kind;
    if (kind === 'function') {
      const n = r.rule.head.args?.length ?? 0;
      if (node.arity !== undefined && node.arity !== n) errors.add('rego_type_error', `conflicting rules ${node.name} found`, r.rule.loc);
      node.arity = n;
    }
    placed.push({ resolved: r, node, suffix, kind });
  }
  for (const p of placed) {
    if (p.kind !== 'object' && p.node.children.size > 0 && p.kind !== 'function') {
      errors.add('rego_type_error', `rule ${p.node.name} conflicts with rules nested below it`, p.resolved.rule.loc);
    }
    if (p.resolved.rule.isDefault && p.kind === 'object') errors.add('rego_type_error', `default rule ${p.node.name} must not have variables in its head`, p.resolved.rule.loc);
  }
  const defaults = new Map<DataNode, number>();
  for (const p of placed) {
    if (!p.resolved.rule.isDefault) continue;
    const n = (defaults.get(p.node) ?? 0) + 1;
    defaults.set(p.node, n);
    if (n > 1) errors.add('rego_type_error', `multiple default rules ${p.node.name} found`, p.resolved.rule.loc);
  }
  return { root, placed };
}

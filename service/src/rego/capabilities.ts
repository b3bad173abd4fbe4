// OPA's capabilities document for the builtin registry (`mcp-authz capabilities`), and the reading of
// one (`check --capabilities`): which builtins a policy may call.
import { BUILTINS } from './builtins/index.js';
import type { BuiltinDecl, TypeSpec } from './builtins/index.js';

type TypeJson = Record<string, unknown>;

/** A TypeSpec in OPA's type JSON (its types package). */
function typeJson(t: TypeSpec): TypeJson {
  if (typeof t === 'string') return { type: t };
  if ('array' in t) return { type: 'array', dynamic: typeJson(t.array) };
  if ('set' in t) return { type: 'set', of: typeJson(t.set) };
  if ('object' in t) return { type: 'object', dynamic: { key: typeJson(t.object[0]), value: typeJson(t.object[1]) } };
  return { type: 'any', of: t.oneOf.map(typeJson) };
}

function builtinJson(b: BuiltinDecl): Record<string, unknown> {
  const decl: Record<string, unknown> = { type: 'function', args: b.args.map(typeJson), result: typeJson(b.result) };
  if (b.variadic !== undefined) decl.variadic = typeJson(b.variadic);
  return { name: b.name, decl, ...(b.nondeterministic ? { nondeterministic: true } : {}), ...(b.relation ? { relation: true } : {}) };
}

/** The capabilities document: every builtin of the registry, sorted by name, in OPA's format. */
export function capabilities(): Record<string, unknown> {
  const builtins = [...BUILTINS.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(builtinJson);
  return { builtins, future_keywords: ['contains', 'every', 'if', 'in'], wasm_abi_versions: [], features: ['rego_v1'] };
}

/** The builtin names a capabilities document allows; throws a TypeError saying what is wrong with it. */
export function capabilityBuiltins(doc: unknown): Set<string> {
  const list = (doc as { builtins?: unknown } | null)?.builtins;
  if (doc === null || typeof doc !== 'object' || !Array.isArray(list)) throw new TypeError('a capabilities document needs a "builtins" array');
  const names = new Set<string>();
  list.forEach((b, i) => {
    const name = (b as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') throw new TypeError(`builtins[${i}] has no "name" string`);
    names.add(name);
  });
  return names;
}

// GraphQL query validation against a schema: gqlparser's walker (which node gets which definition
// and expected type) and its rule set, registered in its order, with its messages.
import {
  GqlError,
  Kind,
  type Argument,
  type Definition,
  type Directive,
  type DirectiveDefinition,
  type Field,
  type FieldDefinition,
  type FragmentDefinition,
  type FragmentSpread,
  type GqlType,
  type GqlValue,
  type InlineFragment,
  type OperationDefinition,
  type Pos,
  type QueryDocument,
  type Selection,
  type VariableDefinition,
} from './gql-parse.js';
import { fieldNamed, isComposite, isCompatible, isInputType, isLeaf, possibleTypes, typeName, typeString, type Schema } from './gql-schema.js';

/** What the walker learned about the nodes (gqlparser stores these on the nodes themselves). */
interface Facts {
  fieldDef: Map<Field, FieldDefinition | undefined>;
  fieldParent: Map<Field, Definition | undefined>;
  valueDef: Map<GqlValue, Definition | undefined>;
  valueType: Map<GqlValue, GqlType>;
  valueVar: Map<GqlValue, VariableDefinition | undefined>;
  dirDef: Map<Directive, DirectiveDefinition | undefined>;
  dirLocation: Map<Directive, string>;
  spreadDef: Map<FragmentSpread, FragmentDefinition | undefined>;
  parent: Map<Selection, Definition | undefined>;
  fragmentDef: Map<FragmentDefinition, Definition | undefined>;
  varType: Map<VariableDefinition, Definition | undefined>;
  used: Set<VariableDefinition>;
}

interface Walker {
  schema: Schema;
  doc: QueryDocument;
  facts: Facts;
  operation: OperationDefinition | undefined;
}

type Report = (message: string, pos: Pos | undefined) => void;

interface Events {
  operation: ((w: Walker, op: OperationDefinition) => void)[];
  field: ((w: Walker, f: Field) => void)[];
  fragment: ((w: Walker, f: FragmentDefinition) => void)[];
  inlineFragment: ((w: Walker, f: InlineFragment) => void)[];
  fragmentSpread: ((w: Walker, f: FragmentSpread) => void)[];
  directive: ((w: Walker, d: Directive) => void)[];
  directiveList: ((w: Walker, d: readonly Directive[]) => void)[];
  value: ((w: Walker, v: GqlValue) => void)[];
  variable: ((w: Walker, v: VariableDefinition) => void)[];
}

// ---- suggestions ----------------------------------------------------------------------------

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

function suggestionList(input: string, options: readonly string[]): string[] {
  const threshold = Math.max(1, Math.floor(input.length * 0.4) + 1);
  const scored: [string, number][] = [];
  for (const option of options) {
    const d = option === input ? 0 : option.toLowerCase() === input.toLowerCase() ? 1 : levenshtein(input.toLowerCase(), option.toLowerCase());
    if (d <= threshold) scored.push([option, d]);
  }
  return scored.sort((p, q) => p[1] - q[1]).map(([o]) => o);
}

function orList(items: string[]): string {
  const xs = items.slice(0, 5);
  if (xs.length === 2) return `${xs[0]} or ${xs[1]}`;
  return xs.map((x, i) => (i === 0 ? x : i === xs.length - 1 ? `, or ${x}` : `, ${x}`)).join('');
}

const quotedOrList = (items: string[]): string => orList(items.map((i) => `"${i}"`));

function suggest(prefix: string, typed: string, options: readonly string[], quoted: boolean): string {
  const s = suggestionList(typed, options);
  return s.length > 0 ? ` ${prefix} ${quoted ? quotedOrList(s) : orList(s)}?` : '';
}

/** Value.String(). */
function valueString(v: GqlValue | null): string {
  if (v === null) return '<nil>';
  switch (v.Kind) {
    case Kind.Variable:
      return '$' + v.Raw;
    case Kind.String:
    case Kind.Block:
      return JSON.stringify(v.Raw);
    case Kind.List:
      return '[' + (v.Children ?? []).map((c) => valueString(c.Value)).join(',') + ']';
    case Kind.Object:
      return '{' + (v.Children ?? []).map((c) => `${c.Name}:${valueString(c.Value)}`).join(',') + '}';
    default:
      return v.Raw;
  }
}

// ---- rules, in gqlparser's registration order -------------------------------------------------

function fragmentSpreadsOf(set: readonly Selection[] | null, out: FragmentSpread[] = []): FragmentSpread[] {
  for (const s of set ?? []) {
    if (s._kind === 'spread') out.push(s);
    else fragmentSpreadsOf(s.SelectionSet, out);
  }
  return out;
}

function rules(ev: Events, report: Report): void {
  // FieldsOnCorrectType
  ev.field.push((w, field) => {
    const parent = w.facts.fieldParent.get(field);
    if (!parent || w.facts.fieldDef.get(field)) return;
    let message = `Cannot query field "${field.Name}" on type "${parent.Name}".`;
    const typeNames = suggestedTypeNames(w.schema, parent, field.Name);
    if (typeNames) message += ` Did you mean to use an inline fragment on ${quotedOrList(typeNames)}?`;
    else if (parent.Kind === 'OBJECT' || parent.Kind === 'INTERFACE') {
      const names = suggestionList(field.Name, (parent.Fields ?? []).map((f) => f.Name));
      if (names.length > 0) message += ` Did you mean ${quotedOrList(names)}?`;
    }
    report(message, field._pos);
  });

  // FragmentsOnCompositeTypes
  ev.inlineFragment.push((w, frag) => {
    const t = w.schema.types.get(frag.TypeCondition);
    if (!t || isComposite(t)) return;
    report(`Fragment cannot condition on non composite type "${frag.TypeCondition}".`, frag._pos);
  });
  ev.fragment.push((w, frag) => {
    const def = w.facts.fragmentDef.get(frag);
    if (!def || frag.TypeCondition === '' || isComposite(def)) return;
    report(`Fragment "${frag.Name}" cannot condition on non composite type "${frag.TypeCondition}".`, frag._pos);
  });

  // KnownArgumentNames
  ev.field.push((w, field) => {
    const def = w.facts.fieldDef.get(field);
    const parent = w.facts.fieldParent.get(field);
    if (!def || !parent) return;
    const names = (def.Arguments ?? []).map((a) => a.Name);
    for (const arg of field.Arguments ?? []) {
      if (names.includes(arg.Name)) continue;
      report(`Unknown argument "${arg.Name}" on field "${parent.Name}.${field.Name}".${suggest('Did you mean', arg.Name, names, true)}`, arg._pos);
    }
  });
  ev.directive.push((w, dir) => {
    const def = w.facts.dirDef.get(dir);
    if (!def) return;
    const names = (def.Arguments ?? []).map((a) => a.Name);
    for (const arg of dir.Arguments ?? []) {
      if (names.includes(arg.Name)) continue;
      report(`Unknown argument "${arg.Name}" on directive "@${dir.Name}".${suggest('Did you mean', arg.Name, names, true)}`, arg._pos);
    }
  });

  // KnownDirectives
  const misplaced = new Set<string>();
  ev.directive.push((w, dir) => {
    const def = w.facts.dirDef.get(dir);
    if (!def) return report(`Unknown directive "@${dir.Name}".`, dir._pos);
    const location = w.facts.dirLocation.get(dir) as string;
    if ((def.Locations ?? []).includes(location)) return;
    const key = `${dir.Name}@${dir._pos?.line}:${dir._pos?.column}`;
    if (misplaced.has(key)) return;
    misplaced.add(key);
    report(`Directive "@${dir.Name}" may not be used on ${location}.`, dir._pos);
  });

  // KnownFragmentNames
  ev.fragmentSpread.push((w, spread) => {
    if (!w.facts.spreadDef.get(spread)) report(`Unknown fragment "${spread.Name}".`, spread._pos);
  });

  // KnownRootType
  ev.operation.push((w, op) => {
    if (!rootType(w.schema, op.Operation)) report(`Schema does not support operation type "${op.Operation}"`, op._pos);
  });

  // KnownTypeNames
  ev.variable.push((w, v) => {
    if (!w.schema.types.has(typeName(v.Type as GqlType))) report(`Unknown type "${typeName(v.Type as GqlType)}".`, v._pos);
  });
  ev.inlineFragment.push((w, frag) => {
    if (frag.TypeCondition === '' || w.schema.types.has(frag.TypeCondition)) return;
    report(`Unknown type "${frag.TypeCondition}".`, frag._pos);
  });
  ev.fragment.push((w, frag) => {
    if (w.schema.types.has(frag.TypeCondition)) return;
    report(`Unknown type "${frag.TypeCondition}".${suggest('Did you mean', frag.TypeCondition, [...w.schema.types.keys()], true)}`, frag._pos);
  });

  // LoneAnonymousOperation
  ev.operation.push((w, op) => {
    if (op.Name === '' && (w.doc.Operations ?? []).length > 1) report('This anonymous operation must be the only defined operation.', op._pos);
  });

  // NoFragmentCycles
  const visited = new Set<string>();
  ev.fragment.push((w, start) => {
    const path: FragmentSpread[] = [];
    const indexByName = new Map<string, number>();
    const recurse = (frag: FragmentDefinition): void => {
      if (visited.has(frag.Name)) return;
      visited.add(frag.Name);
      const spreads = fragmentSpreadsOf(frag.SelectionSet);
      if (spreads.length === 0) return;
      indexByName.set(frag.Name, path.length);
      for (const spread of spreads) {
        const cycleIndex = indexByName.get(spread.Name);
        path.push(spread);
        if (cycleIndex === undefined) {
          const next = (w.doc.Fragments ?? []).find((f) => f.Name === spread.Name);
          if (next) recurse(next);
        } else {
          const via = path.slice(cycleIndex, path.length - 1).map((s) => `"${s.Name}"`);
          report(`Cannot spread fragment "${spread.Name}" within itself${via.length > 0 ? ` via ${via.join(', ')}` : ''}.`, spread._pos);
        }
        path.pop();
      }
      indexByName.delete(frag.Name);
    };
    recurse(start);
  });

  // NoUndefinedVariables
  ev.value.push((w, v) => {
    if (!w.operation || v.Kind !== Kind.Variable || w.facts.valueVar.get(v)) return;
    const by = w.operation.Name !== '' ? ` by operation "${w.operation.Name}"` : '';
    report(`Variable "${valueString(v)}" is not defined${by}.`, v._pos);
  });

  // NoUnusedFragments
  let inFragments = false;
  const usedFragments = new Set<string>();
  ev.fragmentSpread.push((_w, spread) => {
    if (!inFragments) usedFragments.add(spread.Name);
  });
  ev.fragment.push((_w, frag) => {
    inFragments = true;
    if (!usedFragments.has(frag.Name)) report(`Fragment "${frag.Name}" is never used.`, frag._pos);
  });

  // NoUnusedVariables
  ev.operation.push((w, op) => {
    for (const v of op.VariableDefinitions ?? []) {
      if (w.facts.used.has(v)) continue;
      const inOp = op.Name !== '' ? ` in operation "${op.Name}"` : '';
      report(`Variable "$${v.Variable}" is never used${inOp}.`, v._pos);
    }
  });

  // OverlappingFieldsCanBeMerged (same response name: same field, same arguments, same type shape)
  ev.operation.push((w, op) => checkOverlaps(w, op.SelectionSet, report));
  ev.fragment.push((w, frag) => checkOverlaps(w, frag.SelectionSet, report));

  // PossibleFragmentSpreads
  const overlaps = (w: Walker, parent: Definition | undefined, fragmentType: string): boolean => {
    if (!parent) return true;
    let parents: Definition[];
    if (parent.Kind === 'OBJECT') parents = [parent];
    else if (parent.Kind === 'INTERFACE' || parent.Kind === 'UNION') parents = possibleTypes(w.schema, parent);
    else return true;
    const fragDef = w.schema.types.get(fragmentType);
    if (!fragDef || !isComposite(fragDef)) return true;
    return possibleTypes(w.schema, fragDef).some((f) => parents.some((p) => p.Name === f.Name));
  };
  ev.inlineFragment.push((w, frag) => {
    const parent = w.facts.parent.get(frag);
    if (overlaps(w, parent, frag.TypeCondition)) return;
    report(`Fragment cannot be spread here as objects of type "${parent?.Name}" can never be of type "${frag.TypeCondition}".`, frag._pos);
  });
  ev.fragmentSpread.push((w, spread) => {
    const def = w.facts.spreadDef.get(spread);
    if (!def) return;
    const parent = w.facts.parent.get(spread);
    if (overlaps(w, parent, def.TypeCondition)) return;
    report(`Fragment "${spread.Name}" cannot be spread here as objects of type "${parent?.Name}" can never be of type "${def.TypeCondition}".`, spread._pos);
  });

  // ProvidedRequiredArguments
  const missingArgs = (defs: readonly FieldDefinition[] | null, args: readonly Argument[] | null): FieldDefinition[] =>
    (defs ?? []).filter((d) => d.Type?.NonNull && d.DefaultValue === null && !(args ?? []).some((a) => a.Name === d.Name));
  ev.field.push((w, field) => {
    const def = w.facts.fieldDef.get(field);
    if (!def) return;
    for (const a of missingArgs(def.Arguments, field.Arguments)) {
      report(`Field "${field.Name}" argument "${a.Name}" of type "${typeString(a.Type as GqlType)}" is required, but it was not provided.`, field._pos);
    }
  });
  ev.directive.push((w, dir) => {
    const def = w.facts.dirDef.get(dir);
    if (!def) return;
    for (const a of missingArgs(def.Arguments, dir.Arguments)) {
      report(`Directive "@${def.Name}" argument "${a.Name}" of type "${typeString(a.Type as GqlType)}" is required, but it was not provided.`, dir._pos);
    }
  });

  // ScalarLeafs
  ev.field.push((w, field) => {
    const def = w.facts.fieldDef.get(field);
    if (!def) return;
    const t = w.schema.types.get(typeName(def.Type as GqlType));
    if (!t) return;
    const hasSelection = (field.SelectionSet ?? []).length > 0;
    if (isLeaf(t) && hasSelection) report(`Field "${field.Name}" must not have a selection since type "${t.Name}" has no subfields.`, field._pos);
    if (!isLeaf(t) && !hasSelection) {
      report(`Field "${field.Name}" of type "${typeString(def.Type as GqlType)}" must have a selection of subfields. Did you mean "${field.Name} { ... }"?`, field._pos);
    }
  });

  // SingleFieldSubscriptions
  ev.operation.push((w, op) => {
    if (op.Operation !== 'subscription' || !w.schema.subscription) return;
    const fields = collectFields(w, op.SelectionSet);
    const label = op.Name !== '' ? `Subscription "${op.Name}"` : 'Anonymous Subscription';
    if (fields.length > 1) report(`${label} must select only one top level field.`, fields[1]._pos);
    for (const f of fields) if (f.Name.startsWith('__')) report(`${label} must not select an introspection top level field.`, f._pos);
  });

  // UniqueArgumentNames
  const uniqueArgs = (args: readonly Argument[] | null): void => {
    const seen = new Set<string>();
    for (const a of args ?? []) {
      if (seen.has(a.Name)) report(`There can be only one argument named "${a.Name}".`, a._pos);
      seen.add(a.Name);
    }
  };
  ev.field.push((_w, f) => uniqueArgs(f.Arguments));
  ev.directive.push((_w, d) => uniqueArgs(d.Arguments));

  // UniqueDirectivesPerLocation
  ev.directiveList.push((w, dirs) => {
    const seen = new Set<string>();
    for (const d of dirs) {
      if (seen.has(d.Name) && !w.facts.dirDef.get(d)?.IsRepeatable) report(`The directive "@${d.Name}" can only be used once at this location.`, d._pos);
      seen.add(d.Name);
    }
  });

  // UniqueFragmentNames
  const fragmentNames = new Set<string>();
  ev.fragment.push((_w, frag) => {
    if (fragmentNames.has(frag.Name)) report(`There can be only one fragment named "${frag.Name}".`, frag._pos);
    fragmentNames.add(frag.Name);
  });

  // UniqueInputFieldNames
  ev.value.push((_w, v) => {
    if (v.Kind !== Kind.Object) return;
    const seen = new Set<string>();
    for (const c of v.Children ?? []) {
      if (seen.has(c.Name)) report(`There can be only one input field named "${c.Name}".`, c._pos);
      seen.add(c.Name);
    }
  });

  // UniqueOperationNames
  const opNames = new Set<string>();
  ev.operation.push((_w, op) => {
    if (opNames.has(op.Name)) report(`There can be only one operation named "${op.Name}".`, op._pos);
    opNames.add(op.Name);
  });

  // UniqueVariableNames
  ev.operation.push((_w, op) => {
    const seen = new Set<string>();
    for (const v of op.VariableDefinitions ?? []) {
      if (seen.has(v.Variable)) report(`There can be only one variable named "$${v.Variable}".`, v._pos);
      seen.add(v.Variable);
    }
  });

  // ValuesOfCorrectType
  ev.value.push((w, v) => valueOfCorrectType(w, v, report));

  // VariablesAreInputTypes
  ev.variable.push((w, v) => {
    const def = w.facts.varType.get(v);
    if (def && !isInputType(def)) report(`Variable "$${v.Variable}" cannot be non-input type "${typeString(v.Type as GqlType)}".`, v._pos);
  });

  // VariablesInAllowedPosition
  ev.value.push((w, v) => {
    const expected = w.facts.valueType.get(v);
    const varDef = w.facts.valueVar.get(v);
    if (v.Kind !== Kind.Variable || !expected || !varDef || !w.operation) return;
    let allowed = expected;
    if (varDef.DefaultValue !== null && varDef.DefaultValue.Kind !== Kind.Null && expected.NonNull) allowed = { ...expected, NonNull: false };
    if (!isCompatible(varDef.Type as GqlType, allowed)) {
      report(`Variable "${valueString(v)}" of type "${typeString(varDef.Type as GqlType)}" used in position expecting type "${typeString(expected)}".`, v._pos);
    }
  });
}

function suggestedTypeNames(schema: Schema, parent: Definition, name: string): string[] | undefined {
  if (parent.Kind !== 'INTERFACE' && parent.Kind !== 'UNION') return undefined;
  const objects: string[] = [];
  const interfaces: string[] = [];
  const usage = new Map<string, number>();
  for (const t of possibleTypes(schema, parent)) {
    if (!fieldNamed(t.Fields, name)) continue;
    objects.push(t.Name);
    for (const intf of t.Interfaces ?? []) {
      if (!fieldNamed(schema.types.get(intf)?.Fields ?? null, name)) continue;
      if (!usage.has(intf)) interfaces.push(intf);
      usage.set(intf, (usage.get(intf) ?? 0) + 1);
    }
  }
  const all = [...interfaces, ...objects];
  if (all.length === 0) return undefined;
  return all.sort((a, b) => (usage.get(b) ?? 0) - (usage.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
}

function rootType(schema: Schema, operation: string): Definition | undefined {
  return operation === 'mutation' ? schema.mutation : operation === 'subscription' ? schema.subscription : schema.query;
}

/** The fields a selection set selects, through inline fragments and fragment spreads. */
function collectFields(w: Walker, set: readonly Selection[] | null, seen = new Set<string>(), out: Field[] = []): Field[] {
  for (const s of set ?? []) {
    if (s._kind === 'field') out.push(s);
    else if (s._kind === 'inline') collectFields(w, s.SelectionSet, seen, out);
    else if (!seen.has(s.Name)) {
      seen.add(s.Name);
      collectFields(w, (w.doc.Fragments ?? []).find((f) => f.Name === s.Name)?.SelectionSet ?? null, seen, out);
    }
  }
  return out;
}

function sameArguments(a: readonly Argument[] | null, b: readonly Argument[] | null): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  return x.every((arg) => {
    const other = y.find((o) => o.Name === arg.Name);
    return other !== undefined && valueString(arg.Value) === valueString(other.Value);
  });
}

function sameShape(t: GqlType | null | undefined, u: GqlType | null | undefined): boolean {
  if (!t || !u) return true;
  if (t.NonNull !== u.NonNull || (t.Elem === null) !== (u.Elem === null)) return false;
  return t.Elem !== null ? sameShape(t.Elem, u.Elem) : true;
}

function checkOverlaps(w: Walker, set: readonly Selection[] | null, report: Report): void {
  const fields = collectFields(w, set);
  const byKey = new Map<string, Field[]>();
  for (const f of fields) byKey.set(f.Alias, [...(byKey.get(f.Alias) ?? []), f]);
  for (const [key, group] of byKey) {
    for (let i = 1; i < group.length; i++) {
      const a = group[0];
      const b = group[i];
      const pa = w.facts.fieldParent.get(a);
      const pb = w.facts.fieldParent.get(b);
      const exclusive = pa !== undefined && pb !== undefined && pa !== pb && pa.Kind === 'OBJECT' && pb.Kind === 'OBJECT';
      let reason: string | undefined;
      if (!exclusive && a.Name !== b.Name) reason = `${a.Name} and ${b.Name} are different fields`;
      else if (!exclusive && !sameArguments(a.Arguments, b.Arguments)) reason = 'they have differing arguments';
      else {
        const ta = w.facts.fieldDef.get(a)?.Type;
        const tb = w.facts.fieldDef.get(b)?.Type;
        if (ta && tb && (!sameShape(ta, tb) || (typeName(ta) !== typeName(tb) && isLeafName(w, ta) && isLeafName(w, tb)))) {
          reason = `they return conflicting types "${typeString(ta)}" and "${typeString(tb)}"`;
        }
      }
      if (reason) {
        report(`Fields "${key}" conflict because ${reason}. Use different aliases on the fields to fetch both if this was intentional.`, b._pos);
        break;
      }
    }
  }
  for (const f of fields) if (f.SelectionSet) checkOverlaps(w, f.SelectionSet, report);
}

const isLeafName = (w: Walker, t: GqlType): boolean => {
  const d = w.schema.types.get(typeName(t));
  return d !== undefined && isLeaf(d);
};

const INT32 = (raw: string): boolean => {
  try {
    const n = BigInt(raw);
    return n >= -(2n ** 31n) && n < 2n ** 31n;
  } catch {
    return false;
  }
};

function typeMismatch(v: GqlValue, expected: GqlType, def: Definition): string {
  const s = valueString(v);
  switch (typeString(expected)) {
    case 'Int':
    case 'Int!':
      return v.Kind === Kind.Int ? `Int cannot represent non 32-bit signed integer value: ${s}` : `Int cannot represent non-integer value: ${s}`;
    case 'String':
    case 'String!':
    case '[String]':
      return `String cannot represent a non string value: ${s}`;
    case 'Boolean':
    case 'Boolean!':
      return `Boolean cannot represent a non boolean value: ${s}`;
    case 'Float':
    case 'Float!':
      return `Float cannot represent non numeric value: ${s}`;
    case 'ID':
    case 'ID!':
      return `ID cannot represent a non-string and non-integer value: ${s}`;
    default:
      if (def.Kind === 'ENUM') return `Enum "${typeString(expected)}" cannot represent non-enum value: ${s}.`;
      return `Expected value of type "${typeString(expected)}", found ${s}.`;
  }
}

function valueOfCorrectType(w: Walker, v: GqlValue, report: Report): void {
  const def = w.facts.valueDef.get(v);
  const expected = w.facts.valueType.get(v);
  if (!def || !expected) return;
  if (def.Kind === 'SCALAR' && !['Int', 'Float', 'String', 'Boolean', 'ID'].includes(def.Name)) return;
  const enums = def.Kind === 'ENUM' ? (def.EnumValues ?? []).map((e) => e.Name) : [];
  const mismatch = (): void => report(typeMismatch(v, expected, def), v._pos);
  switch (v.Kind) {
    case Kind.Null:
      if (expected.NonNull) mismatch();
      return;
    case Kind.List:
      if (expected.Elem === null) mismatch();
      return;
    case Kind.Int:
      if (!['Int', 'Float', 'ID'].includes(def.Name) || (def.Name === 'Int' && !INT32(v.Raw))) mismatch();
      return;
    case Kind.Float:
      if (def.Name !== 'Float') mismatch();
      return;
    case Kind.String:
    case Kind.Block:
      if (def.Kind === 'ENUM') {
        report(`Enum "${typeString(expected)}" cannot represent non-enum value: ${valueString(v)}.${suggest('Did you mean the enum value', v.Raw, enums, true)}`, v._pos);
      } else if (def.Name !== 'String' && def.Name !== 'ID') mismatch();
      return;
    case Kind.Enum:
      if (def.Kind !== 'ENUM') {
        report(`${typeMismatch(v, expected, def)}${suggest('Did you mean the enum value', v.Raw, enums, false)}`, v._pos);
      } else if (!enums.includes(v.Raw)) {
        report(`Value "${valueString(v)}" does not exist in "${typeString(expected)}" enum.${suggest('Did you mean the enum value', v.Raw, enums, true)}`, v._pos);
      }
      return;
    case Kind.Boolean:
      if (def.Name !== 'Boolean') mismatch();
      return;
    case Kind.Object: {
      for (const field of def.Fields ?? []) {
        if (field.Type?.NonNull && !(v.Children ?? []).some((c) => c.Name === field.Name) && field.DefaultValue === null) {
          report(`Field "${def.Name}.${field.Name}" of required type "${typeString(field.Type)}" was not provided.`, v._pos);
        }
      }
      const names = (def.Fields ?? []).map((f) => f.Name);
      for (const c of v.Children ?? []) {
        if (names.includes(c.Name)) continue;
        report(`Field "${c.Name}" is not defined by type "${def.Name}".${suggest('Did you mean', c.Name, names, true)}`, c._pos);
      }
      return;
    }
    default:
      return;
  }
}

// ---- the walk -------------------------------------------------------------------------------

function walkValue(w: Walker, ev: Events, v: GqlValue | null): void {
  if (v === null) return;
  const f = w.facts;
  if (v.Kind === Kind.Variable && w.operation) {
    const def = (w.operation.VariableDefinitions ?? []).find((d) => d.Variable === v.Raw);
    f.valueVar.set(v, def);
    if (def) f.used.add(def);
  }
  if (v.Kind === Kind.Object) {
    const def = f.valueDef.get(v);
    for (const c of v.Children ?? []) {
      const fieldDef = def ? fieldNamed(def.Fields, c.Name) : undefined;
      if (fieldDef && c.Value) {
        f.valueType.set(c.Value, fieldDef.Type as GqlType);
        f.valueDef.set(c.Value, w.schema.types.get(typeName(fieldDef.Type as GqlType)));
      }
      walkValue(w, ev, c.Value);
    }
  }
  if (v.Kind === Kind.List) {
    const expected = f.valueType.get(v);
    for (const c of v.Children ?? []) {
      if (expected?.Elem && c.Value) {
        f.valueType.set(c.Value, expected.Elem);
        f.valueDef.set(c.Value, f.valueDef.get(v));
      }
      walkValue(w, ev, c.Value);
    }
  }
  for (const h of ev.value) h(w, v);
}

function walkArgument(w: Walker, ev: Events, argDef: FieldDefinition | undefined, arg: Argument): void {
  if (argDef && arg.Value) {
    w.facts.valueType.set(arg.Value, argDef.Type as GqlType);
    w.facts.valueDef.set(arg.Value, w.schema.types.get(typeName(argDef.Type as GqlType)));
  }
  walkValue(w, ev, arg.Value);
}

function walkDirectives(w: Walker, ev: Events, dirs: readonly Directive[] | null, location: string): void {
  for (const dir of dirs ?? []) {
    const def = w.schema.directives.get(dir.Name);
    w.facts.dirDef.set(dir, def);
    w.facts.dirLocation.set(dir, location);
    for (const arg of dir.Arguments ?? []) walkArgument(w, ev, def ? fieldNamed(def.Arguments, arg.Name) : undefined, arg);
    for (const h of ev.directive) h(w, dir);
  }
  for (const h of ev.directiveList) h(w, dirs ?? []);
}

const TYPENAME: FieldDefinition = {
  Description: '',
  Name: '__typename',
  Arguments: null,
  DefaultValue: null,
  Type: { NamedType: 'String', Elem: null, NonNull: false },
  Directives: null,
};

function walkSelectionSet(w: Walker, ev: Events, parent: Definition | undefined, set: readonly Selection[] | null, spreadsDone: Set<string>): void {
  for (const s of set ?? []) {
    const f = w.facts;
    f.parent.set(s, parent);
    if (s._kind === 'field') {
      const def = s.Name === '__typename' ? TYPENAME : parent ? fieldNamed(parent.Fields, s.Name) : undefined;
      f.fieldDef.set(s, def);
      f.fieldParent.set(s, parent);
      const next = def ? w.schema.types.get(typeName(def.Type as GqlType)) : undefined;
      for (const arg of s.Arguments ?? []) walkArgument(w, ev, def ? fieldNamed(def.Arguments, arg.Name) : undefined, arg);
      walkDirectives(w, ev, s.Directives, 'FIELD');
      walkSelectionSet(w, ev, next, s.SelectionSet, spreadsDone);
      for (const h of ev.field) h(w, s);
    } else if (s._kind === 'inline') {
      const next = s.TypeCondition !== '' ? w.schema.types.get(s.TypeCondition) : parent;
      walkDirectives(w, ev, s.Directives, 'INLINE_FRAGMENT');
      walkSelectionSet(w, ev, next, s.SelectionSet, spreadsDone);
      for (const h of ev.inlineFragment) h(w, s);
    } else {
      const def = (w.doc.Fragments ?? []).find((fr) => fr.Name === s.Name);
      f.spreadDef.set(s, def);
      const next = def ? w.schema.types.get(def.TypeCondition) : undefined;
      walkDirectives(w, ev, s.Directives, 'FRAGMENT_SPREAD');
      if (def && !spreadsDone.has(def.Name)) {
        spreadsDone.add(def.Name);
        walkSelectionSet(w, ev, next, def.SelectionSet, spreadsDone);
      }
      for (const h of ev.fragmentSpread) h(w, s);
    }
  }
}

function walk(w: Walker, ev: Events): void {
  for (const op of w.doc.Operations ?? []) {
    w.operation = op;
    for (const v of op.VariableDefinitions ?? []) {
      w.facts.varType.set(v, w.schema.types.get(typeName(v.Type as GqlType)));
      for (const h of ev.variable) h(w, v);
      if (v.DefaultValue) {
        w.facts.valueType.set(v.DefaultValue, v.Type as GqlType);
        w.facts.valueDef.set(v.DefaultValue, w.schema.types.get(typeName(v.Type as GqlType)));
      }
    }
    const root = rootType(w.schema, op.Operation);
    const location = op.Operation === 'mutation' ? 'MUTATION' : op.Operation === 'subscription' ? 'SUBSCRIPTION' : 'QUERY';
    for (const v of op.VariableDefinitions ?? []) {
      walkValue(w, ev, v.DefaultValue);
      walkDirectives(w, ev, v.Directives, 'VARIABLE_DEFINITION');
    }
    walkDirectives(w, ev, op.Directives, location);
    walkSelectionSet(w, ev, root, op.SelectionSet, new Set());
    for (const h of ev.operation) h(w, op);
    w.operation = undefined;
  }
  for (const frag of w.doc.Fragments ?? []) {
    const def = w.schema.types.get(frag.TypeCondition);
    w.facts.fragmentDef.set(frag, def);
    walkDirectives(w, ev, frag.Directives, 'FRAGMENT_DEFINITION');
    walkSelectionSet(w, ev, def, frag.SelectionSet, new Set());
    for (const h of ev.fragment) h(w, frag);
  }
}

/** validator.Validate: every error found, in gqlparser's order. */
export function validateQuery(schema: Schema, doc: QueryDocument): GqlError[] {
  const errors: GqlError[] = [];
  const ev: Events = { operation: [], field: [], fragment: [], inlineFragment: [], fragmentSpread: [], directive: [], directiveList: [], value: [], variable: [] };
  rules(ev, (message, pos) => errors.push(new GqlError(message, pos)));
  const facts: Facts = {
    fieldDef: new Map(), fieldParent: new Map(), valueDef: new Map(), valueType: new Map(), valueVar: new Map(), dirDef: new Map(),
    dirLocation: new Map(), spreadDef: new Map(), parent: new Map(), fragmentDef: new Map(), varType: new Map(), used: new Set(),
  };
  walk({ schema, doc, facts, operation: undefined }, ev);
  return errors;
}

// The GraphQL AST as OPA hands it to policies (Go field names; nulls, empty lists and positions
// pruned), and back: an AST object given to a graphql builtin decoded as Go's encoding/json would.
import { AuthzServiceError } from '../../errors/index.js';
import { isArray, isObject, makeObject, objectEntries, type PlainObject, type RegoObject, type Value } from '../value.js';
import type {
  Argument,
  ChildValue,
  Definition,
  Directive,
  DirectiveDefinition,
  Field,
  FieldDefinition,
  FragmentDefinition,
  GqlType,
  GqlValue,
  OperationDefinition,
  QueryDocument,
  SchemaDefinition,
  SchemaDocument,
  Selection,
  VariableDefinition,
} from './gql-parse.js';

/** pruneIrrelevantGraphQLASTNodes over the node's JSON: `_` fields are never part of it. */
export function astToValue(node: unknown): Value | undefined {
  if (node === null || node === undefined) return undefined;
  if (Array.isArray(node)) {
    const out: Value[] = [];
    for (const x of node) {
      const v = astToValue(x);
      if (v === undefined || ((isArray(v) || isObject(v)) && isEmpty(v))) continue;
      out.push(v);
    }
    return out;
  }
  if (typeof node === 'object') {
    const entries: [string, Value][] = [];
    for (const [k, x] of Object.entries(node)) {
      if (k.startsWith('_')) continue;
      const v = astToValue(x);
      if (v === undefined || ((isArray(v) || isObject(v)) && isEmpty(v))) continue;
      entries.push([k, v]);
    }
    return makeObject(entries);
  }
  return node as Value;
}

const isEmpty = (v: Value): boolean => (isArray(v) ? v.length === 0 : objectEntries(v as PlainObject).length === 0);

// ---- decoding ---------------------------------------------------------------------------------

/** What Go's json.Unmarshal reports when a value does not fit the struct field. */
export class GqlDecodeError extends AuthzServiceError<'ERR_GQL_DECODE'> {
  readonly code = 'ERR_GQL_DECODE';
}

type Obj = PlainObject | RegoObject;

/** A struct field: Go matches the exact key first, then any key equal ignoring case. */
function get(o: Obj, name: string, exact: boolean): Value | undefined {
  let found: Value | undefined;
  for (const [k, v] of objectEntries(o)) {
    if (typeof k !== 'string') continue;
    if (k === name) return v;
    if (!exact && found === undefined && k.toLowerCase() === name.toLowerCase()) found = v;
  }
  return found;
}

function mismatch(what: string, v: Value): never {
  throw new GqlDecodeError(`json: cannot unmarshal ${isArray(v) ? 'array' : typeof v === 'string' ? 'string' : isObject(v) ? 'object' : typeof v} into Go value of type ${what}`);
}

function str(v: Value | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : mismatch('string', v);
}

function bool(v: Value | undefined): boolean {
  if (v === undefined || v === null) return false;
  return typeof v === 'boolean' ? v : mismatch('bool', v);
}

function int(v: Value | undefined): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return mismatch('int', v);
}

function list<T>(v: Value | undefined, item: (x: Value) => T): T[] | null {
  if (v === undefined || v === null) return null;
  if (!isArray(v)) return mismatch('slice', v);
  return v.map(item);
}

function obj<T>(v: Value | undefined, make: (o: Obj) => T, what: string): T | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) return mismatch(what, v);
  return make(v);
}

const stringList = (v: Value | undefined): string[] | null => list(v, (x) => str(x));

function type(v: Value | undefined): GqlType | null {
  return obj(v, (o) => ({ NamedType: str(get(o, 'NamedType', false)), Elem: type(get(o, 'Elem', false)), NonNull: bool(get(o, 'NonNull', false)) }), 'ast.Type');
}

function gqlValue(v: Value | undefined): GqlValue | null {
  return obj(
    v,
    (o) => ({
      Raw: str(get(o, 'Raw', false)),
      Children: list(get(o, 'Children', false), (c): ChildValue => obj(c, (co) => ({ Name: str(get(co, 'Name', false)), Value: gqlValue(get(co, 'Value', false)) }), 'ast.ChildValue') ?? { Name: '', Value: null }),
      Kind: int(get(o, 'Kind', false)),
    }),
    'ast.Value',
  );
}

function args(v: Value | undefined): Argument[] | null {
  return list(v, (x) => obj(x, (o) => ({ Name: str(get(o, 'Name', false)), Value: gqlValue(get(o, 'Value', false)) }), 'ast.Argument') ?? { Name: '', Value: null });
}

function directives(v: Value | undefined): Directive[] | null {
  return list(
    v,
    (x) => obj(x, (o) => ({ Name: str(get(o, 'Name', false)), Arguments: args(get(o, 'Arguments', false)), Location: str(get(o, 'Location', false)) }), 'ast.Directive') ?? { Name: '', Arguments: null, Location: '' },
  );
}

function variableDefinitions(v: Value | undefined): VariableDefinition[] | null {
  return list(
    v,
    (x) =>
      obj(
        x,
        (o) => ({
          Variable: str(get(o, 'Variable', false)),
          Type: type(get(o, 'Type', false)),
          DefaultValue: gqlValue(get(o, 'DefaultValue', false)),
          Directives: directives(get(o, 'Directives', false)),
          Used: bool(get(o, 'Used', false)),
        }),
        'ast.VariableDefinition',
      ) ?? { Variable: '', Type: null, DefaultValue: null, Directives: null, Used: false },
  );
}

/** ast.UnmarshalSelectionSet: every object element decodes as a Field (exact keys); others are dropped. */
function selectionSet(v: Value | undefined): Selection[] | null {
  if (v === undefined || v === null) return null;
  if (!isArray(v)) return mismatch('[]json.RawMessage', v);
  const out: Selection[] = [];
  for (const x of v) {
    if (x !== null && !isObject(x)) continue;
    const o = (x ?? makeObject([])) as Obj;
    const field: Field = {
      Alias: str(get(o, 'Alias', true)),
      Name: str(get(o, 'Name', true)),
      Arguments: args(get(o, 'Arguments', true)),
      Directives: directives(get(o, 'Directives', true)),
      SelectionSet: selectionSet(get(o, 'SelectionSet', true)),
      _kind: 'field',
    };
    out.push(field);
  }
  return out;
}

/** json.Unmarshal into ast.QueryDocument. */
export function valueToQueryDocument(v: Obj): QueryDocument {
  return {
    Operations: list(get(v, 'Operations', false), (x): OperationDefinition =>
      obj(
        x,
        (o) => ({
          Operation: str(get(o, 'Operation', true)),
          Name: str(get(o, 'Name', true)),
          VariableDefinitions: variableDefinitions(get(o, 'VariableDefinitions', true)),
          Directives: directives(get(o, 'Directives', true)),
          SelectionSet: selectionSet(get(o, 'SelectionSet', true)),
        }),
        'ast.OperationDefinition',
      ) ?? { Operation: '', Name: '', VariableDefinitions: null, Directives: null, SelectionSet: null },
    ),
    Fragments: list(get(v, 'Fragments', false), (x): FragmentDefinition =>
      obj(
        x,
        (o) => ({
          Name: str(get(o, 'Name', true)),
          VariableDefinition: variableDefinitions(get(o, 'VariableDefinition', true)),
          TypeCondition: str(get(o, 'TypeCondition', true)),
          Directives: directives(get(o, 'Directives', true)),
          SelectionSet: selectionSet(get(o, 'SelectionSet', true)),
        }),
        'ast.FragmentDefinition',
      ) ?? { Name: '', VariableDefinition: null, TypeCondition: '', Directives: null, SelectionSet: null },
    ),
  };
}

function fieldDefinitions(v: Value | undefined): FieldDefinition[] | null {
  return list(
    v,
    (x) =>
      obj(
        x,
        (o): FieldDefinition => ({
          Description: str(get(o, 'Description', false)),
          Name: str(get(o, 'Name', false)),
          Arguments: fieldDefinitions(get(o, 'Arguments', false)),
          DefaultValue: gqlValue(get(o, 'DefaultValue', false)),
          Type: type(get(o, 'Type', false)),
          Directives: directives(get(o, 'Directives', false)),
        }),
        'ast.FieldDefinition',
      ) ?? { Description: '', Name: '', Arguments: null, DefaultValue: null, Type: null, Directives: null },
  );
}

function definitions(v: Value | undefined): Definition[] | null {
  return list(
    v,
    (x) =>
      obj(
        x,
        (o): Definition => ({
          Kind: str(get(o, 'Kind', false)),
          Description: str(get(o, 'Description', false)),
          Name: str(get(o, 'Name', false)),
          Directives: directives(get(o, 'Directives', false)),
          Interfaces: stringList(get(o, 'Interfaces', false)),
          Fields: fieldDefinitions(get(o, 'Fields', false)),
          Types: stringList(get(o, 'Types', false)),
          EnumValues: list(get(o, 'EnumValues', false), (e) =>
            obj(e, (eo) => ({ Description: str(get(eo, 'Description', false)), Name: str(get(eo, 'Name', false)), Directives: directives(get(eo, 'Directives', false)) }), 'ast.EnumValueDefinition') ?? {
              Description: '',
              Name: '',
              Directives: null,
            },
          ),
          BuiltIn: bool(get(o, 'BuiltIn', false)),
        }),
        'ast.Definition',
      ) ?? { Kind: '', Description: '', Name: '', Directives: null, Interfaces: null, Fields: null, Types: null, EnumValues: null, BuiltIn: false },
  );
}

function schemaDefinitions(v: Value | undefined): SchemaDefinition[] | null {
  return list(
    v,
    (x) =>
      obj(
        x,
        (o): SchemaDefinition => ({
          Description: str(get(o, 'Description', false)),
          Directives: directives(get(o, 'Directives', false)),
          OperationTypes: list(get(o, 'OperationTypes', false), (t) =>
            obj(t, (to) => ({ Operation: str(get(to, 'Operation', false)), Type: str(get(to, 'Type', false)) }), 'ast.OperationTypeDefinition') ?? { Operation: '', Type: '' },
          ),
        }),
        'ast.SchemaDefinition',
      ) ?? { Description: '', Directives: null, OperationTypes: null },
  );
}

/** json.Unmarshal into ast.SchemaDocument. */
export function valueToSchemaDocument(v: Obj): SchemaDocument {
  return {
    Schema: schemaDefinitions(get(v, 'Schema', false)),
    SchemaExtension: schemaDefinitions(get(v, 'SchemaExtension', false)),
    Directives: list(get(v, 'Directives', false), (x): DirectiveDefinition =>
      obj(
        x,
        (o) => ({
          Description: str(get(o, 'Description', false)),
          Name: str(get(o, 'Name', false)),
          Arguments: fieldDefinitions(get(o, 'Arguments', false)),
          Locations: stringList(get(o, 'Locations', false)),
          IsRepeatable: bool(get(o, 'IsRepeatable', false)),
        }),
        'ast.DirectiveDefinition',
      ) ?? { Description: '', Name: '', Arguments: null, Locations: null, IsRepeatable: false },
    ),
    Definitions: definitions(get(v, 'Definitions', false)),
    Extensions: definitions(get(v, 'Extensions', false)),
  };
}

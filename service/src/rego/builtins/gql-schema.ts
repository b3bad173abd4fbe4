// A GraphQL schema built from a schema document merged with the built-in prelude, checked the way
// gqlparser's ValidateSchemaDocument checks it (first error wins, in its order and wording).
import {
  GqlError,
  parseSchemaDocument,
  type Definition,
  type Directive,
  type DirectiveDefinition,
  type FieldDefinition,
  type GqlType,
  type Pos,
  type SchemaDocument,
} from './gql-parse.js';

export interface Schema {
  query?: Definition;
  mutation?: Definition;
  subscription?: Definition;
  types: Map<string, Definition>;
  directives: Map<string, DirectiveDefinition>;
  possibleTypes: Map<string, Definition[]>;
}

/** The scalars, directives and introspection types every schema starts with (GraphQL spec). */
const PRELUDE = `
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type subscriptionType: __Type directives: [__Directive!]! }
type __Type {
  kind: __TypeKind! name: String description: String
  fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!] possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!] inputFields: [__InputValue!] ofType: __Type specifiedByURL: String
}
type __Field { name: String! description: String args: [__InputValue!]! type: __Type! isDeprecated: Boolean! deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive { name: String! description: String locations: [__DirectiveLocation!]! args: [__InputValue!]! isRepeatable: Boolean! }
enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR
  OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
}
`;

function preludeDocument(): SchemaDocument {
  const doc = parseSchemaDocument(PRELUDE, 'prelude.graphql');
  for (const d of doc.Definitions ?? []) d.BuiltIn = true;
  return doc;
}

export const typeName = (t: GqlType): string => (t.NamedType !== '' ? t.NamedType : typeName(t.Elem as GqlType));

/** Type.String(): `[Int!]!`. */
export function typeString(t: GqlType): string {
  const nn = t.NonNull ? '!' : '';
  return t.NamedType !== '' ? t.NamedType + nn : `[${typeString(t.Elem as GqlType)}]${nn}`;
}

/** Type.IsCompatible: a value of type `t` may be used where `other` is expected. */
export function isCompatible(t: GqlType, other: GqlType | null): boolean {
  if (other === null) return false;
  if (t.NamedType !== other.NamedType) return false;
  if (t.Elem !== null && other.Elem === null) return false;
  if (t.Elem !== null && !isCompatible(t.Elem, other.Elem)) return false;
  if (other.NonNull) return t.NonNull;
  return true;
}

export const isLeaf = (d: Definition): boolean => d.Kind === 'ENUM' || d.Kind === 'SCALAR';
export const isComposite = (d: Definition): boolean => d.Kind === 'OBJECT' || d.Kind === 'INTERFACE' || d.Kind === 'UNION';
export const isInputType = (d: Definition | undefined): boolean => d !== undefined && (d.Kind === 'SCALAR' || d.Kind === 'ENUM' || d.Kind === 'INPUT_OBJECT');
export const fieldNamed = (list: readonly FieldDefinition[] | null, name: string): FieldDefinition | undefined => list?.find((f) => f.Name === name);

/** Schema.GetPossibleTypes: a union's members, or what implements an interface (an object lists itself). */
export function possibleTypes(schema: Schema, def: Definition): Definition[] {
  if (def.Kind === 'UNION') return (def.Types ?? []).map((t) => schema.types.get(t)).filter((d): d is Definition => d !== undefined);
  return schema.possibleTypes.get(def.Name) ?? [];
}

const fail = (pos: Pos | undefined, message: string): never => {
  throw new GqlError(message, pos);
};

const quote = (s: string): string => JSON.stringify(s);

function validateName(pos: Pos | undefined, name: string): void {
  if (name.startsWith('__')) fail(pos, `Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`);
}

function validateDirectives(schema: Schema, dirs: readonly Directive[] | null, location: string, current?: DirectiveDefinition): void {
  for (const dir of dirs ?? []) {
    validateName(dir._pos, dir.Name);
    if (current && dir.Name === current.Name) fail(dir._pos, `Directive ${current.Name} cannot refer to itself.`);
    const def = schema.directives.get(dir.Name);
    if (!def) return fail(dir._pos, `Undefined directive ${dir.Name}.`);
    if (!(def.Locations ?? []).includes(location)) fail(dir._pos, `Directive ${dir.Name} is not applicable on ${location}.`);
  }
}

function validateArgs(schema: Schema, args: readonly FieldDefinition[] | null, current?: DirectiveDefinition): void {
  for (const arg of args ?? []) {
    validateName(arg._pos, arg.Name);
    const t = arg.Type as GqlType;
    if (!schema.types.has(typeName(t))) fail(t._pos, `Undefined type ${typeName(t)}.`);
    const def = schema.types.get(typeName(t)) as Definition;
    if (!isInputType(def)) {
      fail(arg._pos, `cannot use ${typeString(t)} as argument ${arg.Name} because ${def.Kind} is not a valid input type`);
    }
    validateDirectives(schema, arg.Directives, 'ARGUMENT_DEFINITION', current);
  }
}

function isCovariant(schema: Schema, required: GqlType, actual: GqlType | null): boolean {
  if (actual === null) return false;
  if (required.NonNull && !actual.NonNull) return false;
  if (required.NamedType !== '') {
    if (required.NamedType === actual.NamedType) return true;
    return (schema.possibleTypes.get(required.NamedType) ?? []).some((pt) => pt.Name === actual.NamedType);
  }
  if (required.Elem !== null && actual.Elem === null) return false;
  return isCovariant(schema, required.Elem as GqlType, actual.Elem);
}

function validateImplements(schema: Schema, def: Definition, intfName: string): void {
  const intf = schema.types.get(intfName);
  if (!intf) return fail(def._pos, `Undefined type ${quote(intfName)}.`);
  if (intf.Kind !== 'INTERFACE') fail(def._pos, `${quote(intfName)} is a non interface type ${intf.Kind}.`);
  const prefix = `For ${def.Name} to implement ${intf.Name}`;
  for (const required of intf.Fields ?? []) {
    const found = fieldNamed(def.Fields, required.Name);
    if (!found) return fail(def._pos, `${prefix} it must have a field called ${required.Name}.`);
    if (!isCovariant(schema, required.Type as GqlType, found.Type)) {
      fail(found._pos, `${prefix} the field ${required.Name} must have type ${typeString(required.Type as GqlType)}.`);
    }
    for (const reqArg of required.Arguments ?? []) {
      const foundArg = fieldNamed(found.Arguments, reqArg.Name);
      if (!foundArg) return fail(found._pos, `${prefix} the field ${required.Name} must have the same arguments but it is missing ${reqArg.Name}.`);
      if (!isCompatible(reqArg.Type as GqlType, foundArg.Type)) {
        fail(foundArg._pos, `${prefix} the field ${required.Name} must have the same arguments but ${reqArg.Name} has the wrong type.`);
      }
    }
    for (const arg of found.Arguments ?? []) {
      if (!fieldNamed(required.Arguments, arg.Name) && arg.Type?.NonNull && arg.DefaultValue === null) {
        fail(arg._pos, `${prefix} any additional arguments on ${found.Name} must be optional or have a default value but ${arg.Name} is required.`);
      }
    }
  }
  for (const transitive of intf.Interfaces ?? []) {
    if ((def.Interfaces ?? []).includes(transitive)) continue;
    if (transitive === def.Name) fail(def._pos, `Type ${def.Name} cannot implement ${intfName} because it would create a circular reference.`);
    fail(def._pos, `Type ${def.Name} must implement ${transitive} because it is implemented by ${intfName}.`);
  }
}

const OUTPUT_KINDS = ['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM'];
const INPUT_KINDS = ['SCALAR', 'ENUM', 'INPUT_OBJECT'];

function validateDefinition(schema: Schema, def: Definition): void {
  for (const field of def.Fields ?? []) {
    validateName(field._pos, field.Name);
    const t = field.Type as GqlType;
    if (!schema.types.has(typeName(t))) fail(t._pos, `Undefined type ${typeName(t)}.`);
    validateArgs(schema, field.Arguments);
    validateDirectives(schema, field.Directives, def.Kind === 'INPUT_OBJECT' ? 'INPUT_FIELD_DEFINITION' : 'FIELD_DEFINITION');
  }
  for (const t of def.Types ?? []) {
    const member = schema.types.get(t);
    if (!member) fail(def._pos, `Undefined type ${quote(t)}.`);
    else if (member.Kind !== 'OBJECT') fail(def._pos, `${def.Kind} type ${quote(t)} must be OBJECT.`);
  }
  for (const intf of def.Interfaces ?? []) validateImplements(schema, def, intf);
  if (def.Kind === 'OBJECT' || def.Kind === 'INTERFACE') {
    if ((def.Fields ?? []).length === 0) fail(def._pos, `${def.Kind} ${def.Name}: must define one or more fields.`);
    for (const field of def.Fields ?? []) {
      const typ = schema.types.get(typeName(field.Type as GqlType));
      if (typ && !OUTPUT_KINDS.includes(typ.Kind)) fail(field._pos, `${def.Kind} ${def.Name}: field must be one of ${OUTPUT_KINDS.join(', ')}.`);
    }
  } else if (def.Kind === 'ENUM') {
    if ((def.EnumValues ?? []).length === 0) fail(def._pos, `${def.Kind} ${def.Name}: must define one or more unique enum values.`);
    for (const v of def.EnumValues ?? []) {
      if (['true', 'false', 'null'].includes(v.Name)) fail(def._pos, `${def.Kind} ${def.Name}: non-enum value ${v.Name}.`);
    }
  } else if (def.Kind === 'INPUT_OBJECT') {
    if ((def.Fields ?? []).length === 0) fail(def._pos, `${def.Kind} ${def.Name}: must define one or more input fields.`);
    for (const field of def.Fields ?? []) {
      const typ = schema.types.get(typeName(field.Type as GqlType));
      if (typ && !INPUT_KINDS.includes(typ.Kind)) fail(field._pos, `${typ.Kind} ${field.Name}: field must be one of ${INPUT_KINDS.join(', ')}.`);
    }
  }
  const fields = def.Fields ?? [];
  for (let i = 0; i < fields.length; i++) {
    for (const f2 of fields.slice(i + 1)) {
      if (fields[i].Name === f2.Name) fail(f2._pos, `Field ${def.Name}.${f2.Name} can only be defined once.`);
    }
  }
  if (!def.BuiltIn) validateName(def._pos, def.Name);
  validateDirectives(schema, def.Directives, def.Kind);
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function addPossible(schema: Schema, name: string, def: Definition | undefined): void {
  const list = schema.possibleTypes.get(name) ?? [];
  list.push(def as Definition);
  schema.possibleTypes.set(name, list);
}

/** validator.ValidateSchemaDocument over the prelude merged with `userDoc` (which it does not change). */
export function buildSchema(userDoc: SchemaDocument): Schema {
  const prelude = preludeDocument();
  const user = structuredClone(userDoc);
  const cat = <T>(a: T[] | null, b: T[] | null): T[] => [...(a ?? []), ...(b ?? [])];
  const doc = {
    Schema: cat(prelude.Schema, user.Schema),
    SchemaExtension: cat(prelude.SchemaExtension, user.SchemaExtension),
    Directives: cat(prelude.Directives, user.Directives),
    Definitions: cat(prelude.Definitions, user.Definitions),
    Extensions: cat(prelude.Extensions, user.Extensions),
  };
  const schema: Schema = { types: new Map(), directives: new Map(), possibleTypes: new Map() };
  for (const def of doc.Definitions) {
    if (schema.types.has(def.Name)) fail(def._pos, `Cannot redeclare type ${def.Name}.`);
    schema.types.set(def.Name, def);
  }
  const defs = [...doc.Definitions];
  for (const ext of doc.Extensions) {
    let def = schema.types.get(ext.Name);
    if (!def) {
      def = { Kind: ext.Kind, Description: '', Name: ext.Name, Directives: null, Interfaces: null, Fields: null, Types: null, EnumValues: null, BuiltIn: false, _pos: ext._pos };
      schema.types.set(ext.Name, def);
      defs.push(def);
    }
    if (def.Kind !== ext.Kind) fail(ext._pos, `Cannot extend type ${ext.Name} because the base type is a ${def.Kind}, not ${ext.Kind}.`);
    def.Directives = cat(def.Directives, ext.Directives);
    def.Interfaces = cat(def.Interfaces, ext.Interfaces);
    def.Fields = cat(def.Fields, ext.Fields);
    def.Types = cat(def.Types, ext.Types);
    def.EnumValues = cat(def.EnumValues, ext.EnumValues);
  }
  for (const def of defs) {
    if (def.Kind === 'UNION') for (const t of def.Types ?? []) addPossible(schema, def.Name, schema.types.get(t));
    else if (def.Kind === 'OBJECT' || def.Kind === 'INPUT_OBJECT') {
      for (const intf of def.Interfaces ?? []) addPossible(schema, intf, def);
      addPossible(schema, def.Name, def);
    } else if (def.Kind === 'INTERFACE') for (const intf of def.Interfaces ?? []) addPossible(schema, intf, def);
  }
  for (const dir of doc.Directives) {
    if (schema.directives.has(dir.Name)) {
      // SDL may restate the built-in directives; the first statement is kept.
      if (['include', 'skip', 'deprecated', 'specifiedBy'].includes(dir.Name)) continue;
      fail(dir._pos, `Cannot redeclare directive ${dir.Name}.`);
    }
    schema.directives.set(dir.Name, dir);
  }
  if (doc.Schema.length > 1) fail(doc.Schema[1]._pos, 'Cannot have multiple schema entry points, consider schema extensions instead.');
  for (const sd of [...doc.Schema, ...doc.SchemaExtension]) {
    for (const ep of sd.OperationTypes ?? []) {
      const def = schema.types.get(ep.Type);
      if (!def) return fail(ep._pos, `Schema root ${ep.Operation} refers to a type ${ep.Type} that does not exist.`);
      if (ep.Operation === 'query') schema.query = def;
      else if (ep.Operation === 'mutation') schema.mutation = def;
      else if (ep.Operation === 'subscription') schema.subscription = def;
    }
  }
  for (const name of [...schema.types.keys()].sort(byteOrder)) validateDefinition(schema, schema.types.get(name) as Definition);
  for (const name of [...schema.directives.keys()].sort(byteOrder)) {
    const def = schema.directives.get(name) as DirectiveDefinition;
    validateName(def._pos, def.Name);
    validateArgs(schema, def.Arguments, def);
  }
  if (doc.Schema.length === 0) {
    schema.query ??= schema.types.get('Query');
    schema.mutation ??= schema.types.get('Mutation');
    schema.subscription ??= schema.types.get('Subscription');
  }
  if (schema.query) {
    const named = (n: string, nonNull: boolean): GqlType => ({ NamedType: n, Elem: null, NonNull: nonNull });
    schema.query.Fields = [
      ...(schema.query.Fields ?? []),
      { Description: '', Name: '__schema', Arguments: null, DefaultValue: null, Type: named('__Schema', true), Directives: null },
      {
        Description: '',
        Name: '__type',
        Arguments: [{ Description: '', Name: 'name', Arguments: null, DefaultValue: null, Type: named('String', true), Directives: null }],
        DefaultValue: null,
        Type: named('__Type', false),
        Directives: null,
      },
    ];
  }
  return schema;
}

// Builtins graphql.parse, parse_and_verify, parse_query, parse_schema, is_valid and
// schema_is_valid: OPA's results (pruned gqlparser ASTs) and error texts over our own parser.
import { AuthzServiceError } from '../../errors/index.js';
import { isObject, makeObject, type Value } from '../value.js';
import { astToValue, GqlDecodeError, valueToQueryDocument, valueToSchemaDocument } from './gql-json.js';
import { GqlError, parseQueryDocument, parseSchemaDocument, type QueryDocument, type SchemaDocument } from './gql-parse.js';
import { buildSchema, type Schema } from './gql-schema.js';
import { validateQuery } from './gql-validate.js';
import { builtinError, operandError, type BuiltinContext, type BuiltinDecl, type TypeSpec } from './types.js';

const EMPTY = (): Value => makeObject([]);

const STRING_OR_OBJECT: TypeSpec = { oneOf: ['string', { object: ['any', 'any'] }] };

/** gqlerror.Error.Error(): "input:LINE:COLUMN: message". */
function gqlErrorText(e: GqlError): string {
  const file = e.pos?.src || 'input';
  return e.pos ? `${file}:${e.pos.line}:${e.pos.column}: ${e.message}` : `${file}: ${e.message}`;
}

/** OPA splits the error text at its first three colons to move the location to the end. */
function relocate(text: string, where: string, trimDot: boolean): string {
  const parts = text.split(':');
  if (parts.length < 4) return text;
  let msg = parts.slice(3).join(':').replace(/^ +/, '');
  if (trimDot && msg.endsWith('.\n')) msg = msg.slice(0, -2);
  return `${msg} in ${where} at location ${parts[1]}:${parts[2]}`;
}

class Failure extends AuthzServiceError<'ERR_BUILTIN_FAILURE'> {
  readonly code = 'ERR_BUILTIN_FAILURE';
}

function parseQuery(text: string): QueryDocument {
  try {
    return parseQueryDocument(text);
  } catch (e) {
    if (e instanceof GqlError) throw new Failure(relocate(gqlErrorText(e), 'GraphQL string', false));
    throw e;
  }
}

function parseSchema(text: string): SchemaDocument {
  try {
    return parseSchemaDocument(text);
  } catch (e) {
    if (e instanceof GqlError) throw new Failure(relocate(gqlErrorText(e), 'GraphQL string', false));
    throw e;
  }
}

function decode<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GqlDecodeError) throw new Failure(e.message);
    throw e;
  }
}

function queryOperand(v: Value): QueryDocument {
  if (typeof v === 'string') return parseQuery(v);
  if (isObject(v)) return decode(() => valueToQueryDocument(v));
  throw new Failure('query must be a string or an object');
}

interface SchemaEntry {
  doc?: SchemaDocument;
  ast?: Value;
  schema?: Schema;
  error?: string;
}

/** The schema operand parsed, as AST value and as schema; per-query cached for string schemas. */
function schemaOperand(v: Value, ctx: BuiltinContext): Required<Pick<SchemaEntry, 'doc' | 'ast'>> & { schema: () => Schema } {
  const key = typeof v === 'string' ? `graphql.schema:${v}` : undefined;
  let entry = key !== undefined ? (ctx.cache.get(key) as SchemaEntry | undefined) : undefined;
  if (!entry) {
    if (typeof v === 'string') ctx.charge(16 * v.length);
    const doc = typeof v === 'string' ? parseSchema(v) : isObject(v) ? decode(() => valueToSchemaDocument(v)) : undefined;
    if (!doc) throw new Failure('schema must be a string or an object');
    entry = { doc, ast: astToValue(doc) ?? EMPTY() };
    if (key !== undefined) ctx.cache.set(key, entry);
  }
  const e = entry;
  return {
    doc: e.doc as SchemaDocument,
    ast: e.ast as Value,
    schema: () => {
      if (e.error !== undefined) throw new Failure(e.error);
      if (!e.schema) {
        try {
          e.schema = buildSchema(e.doc as SchemaDocument);
        } catch (err) {
          if (!(err instanceof GqlError)) throw err;
          e.error = `Error in gqlparser SchemaDocument to Schema conversion: ${gqlErrorText(err)}`;
          throw new Failure(e.error);
        }
      }
      return e.schema;
    },
  };
}

function validate(schema: Schema, doc: QueryDocument): void {
  const errors = validateQuery(schema, doc);
  if (errors.length === 0) return;
  const text = errors.map((e) => gqlErrorText(e) + '\n').join('');
  throw new Failure(relocate(text, 'GraphQL query string', true));
}

/** Runs `body`, turning its failures into `name: message` builtin errors. */
function failing<T>(name: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof Failure) throw builtinError(name, e.message);
    throw e;
  }
}

/** Runs `body`, mapping any failure to `fallback` (the builtins that answer instead of erroring). */
function answering<T>(fallback: T, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof Failure) return fallback;
    throw e;
  }
}

function chargeText(ctx: BuiltinContext, v: Value): void {
  // The pruned AST is a bounded multiple of its source text.
  if (typeof v === 'string') ctx.charge(16 * v.length);
}

function parseAndValidate(args: Value[], ctx: BuiltinContext): [Value, Value] {
  chargeText(ctx, args[0]);
  const query = queryOperand(args[0]);
  const schema = schemaOperand(args[1], ctx);
  const s = schema.schema();
  const queryAst = astToValue(query) ?? EMPTY();
  validate(s, query);
  return [queryAst, schema.ast];
}

export const graphqlBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'graphql.parse',
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: { array: { object: ['any', 'any'] } },
    impl: (args, ctx) => failing('graphql.parse', () => parseAndValidate(args, ctx)),
  },
  {
    name: 'graphql.parse_and_verify',
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: { array: 'any' },
    impl: (args, ctx) => answering<Value>([false, EMPTY(), EMPTY()], () => [true, ...parseAndValidate(args, ctx)]),
  },
  {
    name: 'graphql.parse_query',
    args: ['string'],
    result: { object: ['any', 'any'] },
    impl: (args, ctx) => {
      if (typeof args[0] !== 'string') throw operandError('graphql.parse_query', 1, 'string', args[0]);
      chargeText(ctx, args[0]);
      return failing('graphql.parse_query', () => astToValue(parseQuery(args[0] as string)) ?? EMPTY());
    },
  },
  {
    name: 'graphql.parse_schema',
    args: ['string'],
    result: { object: ['any', 'any'] },
    impl: (args, ctx) => {
      if (typeof args[0] !== 'string') throw operandError('graphql.parse_schema', 1, 'string', args[0]);
      return failing('graphql.parse_schema', () => schemaOperand(args[0], ctx).ast);
    },
  },
  {
    name: 'graphql.is_valid',
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: 'boolean',
    impl: (args, ctx) =>
      answering(false, () => {
        chargeText(ctx, args[0]);
        const query = queryOperand(args[0]);
        validate(schemaOperand(args[1], ctx).schema(), query);
        return true;
      }),
  },
  {
    name: 'graphql.schema_is_valid',
    args: [STRING_OR_OBJECT],
    result: 'boolean',
    impl: (args, ctx) =>
      answering(false, () => {
        schemaOperand(args[0], ctx).schema();
        return true;
      }),
  },
];

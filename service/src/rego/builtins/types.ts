// The contract between the evaluator and builtin functions: declarations, types, context and errors.
import { AuthzServiceError } from '../../errors/index.js';
import type { Value } from '../value.js';

/**
 * Argument and result types, used by the compiler's type check (rego_type_error) and by
 * operand checks at evaluation time (eval_type_error).
 */
export type TypeSpec =
  | 'any'
  | 'null'
  | 'boolean'
  | 'number'
  | 'string'
  | { array: TypeSpec }
  | { set: TypeSpec }
  | { object: [TypeSpec, TypeSpec] }
  | { oneOf: TypeSpec[] };

/** What the evaluator hands each builtin call. */
export interface BuiltinContext {
  /** Nanoseconds since the epoch, fixed for the whole query (time.now_ns). */
  readonly nowNs: bigint;
  /** Sink for print(); the evaluator decides where the lines go. */
  print(line: string): void;
  /** Per-query cache for expensive pure work (e.g. parsed JWKS, compiled regexes). */
  readonly cache: Map<string, unknown>;
  /**
   * Charges the query for `size` bytes (string characters, collection elements) about to be built;
   * throws a limit error, before anything is built, when that goes over the query's budget.
   */
  charge(size: number): void;
}

/**
 * A builtin function. `impl` returns the result, or undefined when the call is undefined
 * (the expression fails without an error, as OPA does for e.g. a failed conversion it
 * declares undefined). Relations (like `walk`) return every result instead.
 */
export interface BuiltinDecl {
  /** Full dotted name, e.g. "strings.replace_n". Infix operators use OPA's names ("plus", "equal"). */
  readonly name: string;
  readonly args: readonly TypeSpec[];
  /** When set, the builtin takes any number of trailing arguments of this type. */
  readonly variadic?: TypeSpec;
  readonly result: TypeSpec;
  /** Results differ between calls with the same arguments (time.now_ns, uuid.rfc4122, ...). */
  readonly nondeterministic?: boolean;
  /** A relation yields zero or more results; `impl` then returns an array of results. */
  readonly relation?: boolean;
  readonly impl: (args: Value[], ctx: BuiltinContext) => Value | undefined;
}

/**
 * A builtin failure. `code` is OPA's: `eval_type_error` for an operand of the wrong type
 * (message "<name>: operand <n> must be <type> but got <type>"), `eval_builtin_error` for
 * everything else (message "<name>: <reason>").
 */
export class BuiltinError extends AuthzServiceError<'eval_type_error' | 'eval_builtin_error'> {
  constructor(
    readonly code: 'eval_type_error' | 'eval_builtin_error',
    message: string,
  ) {
    super(message);
    this.name = 'BuiltinError';
  }
}

/** "name: operand N must be T but got U" — OPA's wording for operand type errors. */
export function operandError(name: string, position: number, expected: string, got: Value): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${position} must be ${expected} but got ${describeType(got)}`);
}

/** Failure inside a builtin: "name: reason". */
export function builtinError(name: string, reason: string): BuiltinError {
  return new BuiltinError('eval_builtin_error', `${name}: ${reason}`);
}

function describeType(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return 'number';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return v.constructor?.name === 'RegoSet' ? 'set' : 'object';
  return typeof v;
}

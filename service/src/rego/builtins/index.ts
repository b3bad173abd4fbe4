// The one explicit builtin registry: every category's declaration table, gathered by name.
import type { BuiltinDecl } from './types.js';
import { stringsBuiltins } from './strings.js';
import { regexBuiltins } from './regex.js';
import { globBuiltins } from './glob.js';
import { encodingBuiltins } from './encoding.js';
import { unitsBuiltins } from './units.js';
import { semverBuiltins } from './semver.js';
import { uuidBuiltins } from './uuid.js';
import { typeBuiltins } from './type-builtins.js';
import { comparisonBuiltins } from './comparison.js';
import { arithmeticBuiltins } from './arithmetic.js';
import { aggregatesBuiltins } from './aggregates.js';
import { arraysBuiltins } from './arrays.js';
import { setsBuiltins } from './sets.js';
import { objectsBuiltins } from './objects.js';
import { graphBuiltins } from './graph.js';
import { timeBuiltins } from './time.js';
import { netBuiltins } from './net.js';
import { cryptoBuiltins } from './crypto.js';
import { jwtBuiltins } from './jwt.js';
import { internalBuiltins } from './internal.js';
import { runtimeBuiltins } from './runtime.js';
import { bitsBuiltins } from './bits.js';
import { randomBuiltins } from './random.js';
import { jsonSchemaBuiltins } from './json-schema.js';
import { x509Builtins } from './x509.js';
import { uriBuiltins } from './uri.js';
import { providersBuiltins } from './providers.js';
import { graphqlBuiltins } from './graphql.js';
import { UNSUPPORTED_BUILTINS } from './unsupported.js';

const CATEGORIES: readonly (readonly BuiltinDecl[])[] = [
  stringsBuiltins,
  regexBuiltins,
  globBuiltins,
  encodingBuiltins,
  unitsBuiltins,
  semverBuiltins,
  uuidBuiltins,
  typeBuiltins,
  comparisonBuiltins,
  arithmeticBuiltins,
  aggregatesBuiltins,
  arraysBuiltins,
  setsBuiltins,
  objectsBuiltins,
  graphBuiltins,
  timeBuiltins,
  netBuiltins,
  cryptoBuiltins,
  jwtBuiltins,
  internalBuiltins,
  runtimeBuiltins,
  bitsBuiltins,
  randomBuiltins,
  jsonSchemaBuiltins,
  x509Builtins,
  uriBuiltins,
  providersBuiltins,
  graphqlBuiltins,
];

function buildRegistry(): ReadonlyMap<string, BuiltinDecl> {
  const registry = new Map<string, BuiltinDecl>();
  for (const table of CATEGORIES) {
    for (const decl of table) {
      if (registry.has(decl.name)) throw new Error(`builtin ${decl.name} declared twice`);
      if (UNSUPPORTED_BUILTINS.has(decl.name)) throw new Error(`builtin ${decl.name} is also listed as unsupported`);
      registry.set(decl.name, decl);
    }
  }
  return registry;
}

/** Every builtin by its full dotted name. */
export const BUILTINS: ReadonlyMap<string, BuiltinDecl> = buildRegistry();

export { UNSUPPORTED_BUILTINS } from './unsupported.js';
export type { BuiltinDecl, BuiltinContext, TypeSpec } from './types.js';
export { BuiltinError, builtinError, operandError } from './types.js';

// Behaviour table of the graphql builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: graphql', () => {
  runBuiltinTable(new URL('./graphql.yaml', import.meta.url));
});

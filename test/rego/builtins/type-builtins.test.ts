// Behaviour table of the "type-builtins" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: type-builtins', () => {
  runBuiltinTable(new URL('./type-builtins.yaml', import.meta.url));
});

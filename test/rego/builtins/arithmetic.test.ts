// Behaviour table of the "arithmetic" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: arithmetic', () => {
  runBuiltinTable(new URL('./arithmetic.yaml', import.meta.url));
});

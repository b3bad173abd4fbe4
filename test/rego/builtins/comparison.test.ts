// Behaviour table of the "comparison" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: comparison', () => {
  runBuiltinTable(new URL('./comparison.yaml', import.meta.url));
});

// Behaviour table of the "arrays" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: arrays', () => {
  runBuiltinTable(new URL('./arrays.yaml', import.meta.url));
});

// Behaviour table of the "units" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: units', () => {
  runBuiltinTable(new URL('./units.yaml', import.meta.url));
});

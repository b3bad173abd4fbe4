// Behaviour table of the "sets" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: sets', () => {
  runBuiltinTable(new URL('./sets.yaml', import.meta.url));
});

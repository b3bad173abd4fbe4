// Behaviour table of the "bits" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: bits', () => {
  runBuiltinTable(new URL('./bits.yaml', import.meta.url));
});

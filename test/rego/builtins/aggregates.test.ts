// Behaviour table of the "aggregates" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: aggregates', () => {
  runBuiltinTable(new URL('./aggregates.yaml', import.meta.url));
});

// Behaviour table of the "uuid" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: uuid', () => {
  runBuiltinTable(new URL('./uuid.yaml', import.meta.url));
});

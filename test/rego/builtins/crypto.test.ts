// Behaviour table of the "crypto" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: crypto', () => {
  runBuiltinTable(new URL('./crypto.yaml', import.meta.url));
});

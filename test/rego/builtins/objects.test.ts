// Behaviour table of the "objects" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: objects', () => {
  runBuiltinTable(new URL('./objects.yaml', import.meta.url));
});

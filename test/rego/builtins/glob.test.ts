// Behaviour table of the "glob" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: glob', () => {
  runBuiltinTable(new URL('./glob.yaml', import.meta.url));
});

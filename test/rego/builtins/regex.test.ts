// Behaviour table of the "regex" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: regex', () => {
  runBuiltinTable(new URL('./regex.yaml', import.meta.url));
});

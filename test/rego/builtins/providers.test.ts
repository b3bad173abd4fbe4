// Behaviour table of the providers builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: providers', () => {
  runBuiltinTable(new URL('./providers.yaml', import.meta.url));
});

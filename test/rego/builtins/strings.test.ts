// Behaviour table of the "strings" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: strings', () => {
  runBuiltinTable(new URL('./strings.yaml', import.meta.url));
});

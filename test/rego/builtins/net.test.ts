// Behaviour table of the "net" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: net', () => {
  runBuiltinTable(new URL('./net.yaml', import.meta.url));
});

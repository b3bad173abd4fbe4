// Behaviour table of the "encoding" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: encoding', () => {
  runBuiltinTable(new URL('./encoding.yaml', import.meta.url));
});

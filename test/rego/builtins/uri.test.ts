// Behaviour table of the uri builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: uri', () => {
  runBuiltinTable(new URL('./uri.yaml', import.meta.url));
});

// Behaviour table of the "time" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: time', () => {
  runBuiltinTable(new URL('./time.yaml', import.meta.url));
});

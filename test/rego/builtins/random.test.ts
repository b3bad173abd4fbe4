// Behaviour table of rand.intn, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: rand', () => {
  runBuiltinTable(new URL('./random.yaml', import.meta.url));
});

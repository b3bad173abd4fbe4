// Behaviour table of the "graph" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: graph', () => {
  runBuiltinTable(new URL('./graph.yaml', import.meta.url));
});

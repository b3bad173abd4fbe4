// Behaviour table of json.verify_schema and json.match_schema, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: json schema', () => {
  runBuiltinTable(new URL('./json-schema.yaml', import.meta.url));
});

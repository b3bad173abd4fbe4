// Behaviour table of the "semver" builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: semver', () => {
  runBuiltinTable(new URL('./semver.yaml', import.meta.url));
});

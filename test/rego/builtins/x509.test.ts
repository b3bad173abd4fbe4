// Behaviour table of the crypto.x509 builtins, called directly through the registry.
import { describe } from 'node:test';
import { runBuiltinTable } from './builtin-table.js';

describe('rego builtins: x509', () => {
  runBuiltinTable(new URL('./x509.yaml', import.meta.url));
});

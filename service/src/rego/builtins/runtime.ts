// Builtins of the "opa" and "http" categories: runtime facts and the (always disabled) HTTP client.
import { RegoError } from '../errors.js';
import type { BuiltinDecl } from './types.js';

export const runtimeBuiltins: readonly BuiltinDecl[] = [
  {
    // OPA answers {} when no runtime is configured, as for an embedded engine. We never add `env`:
    // process variables hold secrets that a policy has no business reading.
    name: 'opa.runtime',
    args: [],
    result: { object: ['string', 'any'] },
    nondeterministic: true,
    impl: () => Object.create(null) as Record<string, never>,
  },
  {
    // Declared so that policies tested with `with http.send as ...` mocks compile; evaluation
    // never reaches the network. A real call halts (even without strict builtin errors): a policy
    // that depends on it must not quietly see an undefined result.
    name: 'http.send',
    args: [{ object: ['string', 'any'] }],
    result: { object: ['any', 'any'] },
    nondeterministic: true,
    impl: () => {
      throw new RegoError('eval_builtin_error', 'http.send: network access is disabled in mcp-authz');
    },
  },
];

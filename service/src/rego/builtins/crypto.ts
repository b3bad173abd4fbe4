// Builtins of the "crypto" category: digests and HMACs as lowercase hex, and a constant-time MAC comparison.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Value } from '../value.js';
import type { BuiltinDecl } from './types.js';
import { operandError } from './types.js';

function stringOperand(name: string, args: Value[], index: number): string {
  const v = args[index];
  if (typeof v !== 'string') throw operandError(name, index + 1, 'string', v);
  return v;
}

function digest(name: string, algorithm: string): BuiltinDecl {
  return {
    name,
    args: ['string'],
    result: 'string',
    impl: (args) => createHash(algorithm).update(stringOperand(name, args, 0), 'utf8').digest('hex'),
  };
}

function hmac(name: string, algorithm: string): BuiltinDecl {
  return {
    name,
    args: ['string', 'string'],
    result: 'string',
    impl: (args) => {
      const message = stringOperand(name, args, 0);
      const key = stringOperand(name, args, 1);
      return createHmac(algorithm, Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
    },
  };
}

/** Like Go's hmac.Equal: length may leak, content does not. */
function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const cryptoBuiltins: readonly BuiltinDecl[] = [
  digest('crypto.md5', 'md5'),
  digest('crypto.sha1', 'sha1'),
  digest('crypto.sha256', 'sha256'),
  hmac('crypto.hmac.md5', 'md5'),
  hmac('crypto.hmac.sha1', 'sha1'),
  hmac('crypto.hmac.sha256', 'sha256'),
  hmac('crypto.hmac.sha512', 'sha512'),
  {
    name: 'crypto.hmac.equal',
    args: ['string', 'string'],
    result: 'boolean',
    impl: (args) => constantTimeEqual(stringOperand('crypto.hmac.equal', args, 0), stringOperand('crypto.hmac.equal', args, 1)),
  },
];

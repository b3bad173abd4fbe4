// rand.intn: a random integer in [0, n), the same for a given (str, n) throughout one query.
import { randomBytes, randomInt } from 'node:crypto';
import { intOperand, stringOperand } from './operands.js';
import type { BuiltinDecl } from './types.js';

const NAME = 'rand.intn';

/** Uniform in [0, n): crypto.randomInt below its 2^48 range, rejection sampling over 64 bits above. */
function uniform(n: number): number {
  if (n <= 2 ** 48) return randomInt(n);
  const bound = BigInt(n);
  const limit = (1n << 64n) - ((1n << 64n) % bound);
  for (;;) {
    const x = randomBytes(8).readBigUInt64BE();
    if (x < limit) return Number(x % bound);
  }
}

export const randomBuiltins: readonly BuiltinDecl[] = [
  {
    name: NAME,
    args: ['string', 'number'],
    result: 'number',
    nondeterministic: true,
    impl: (args, ctx) => {
      const key = stringOperand(NAME, args[0], 1);
      let n = intOperand(NAME, args[1], 2);
      if (n === 0) return 0;
      if (n < 0) n = -n;
      // OPA caches per query under "<str>-<n>"; the prefix keeps other builtins' cache keys apart.
      const cacheKey = `${NAME}:${key}-${n}`;
      const cached = ctx.cache.get(cacheKey);
      if (typeof cached === 'number') return cached;
      const r = uniform(n);
      ctx.cache.set(cacheKey, r);
      return r;
    },
  },
];

// Builtins of the "crypto" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const cryptoBuiltins: readonly BuiltinDecl[] = [];

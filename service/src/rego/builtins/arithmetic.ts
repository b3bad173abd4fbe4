// Builtins of the "arithmetic" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const arithmeticBuiltins: readonly BuiltinDecl[] = [];

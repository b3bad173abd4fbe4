// Builtins of the "time" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const timeBuiltins: readonly BuiltinDecl[] = [];

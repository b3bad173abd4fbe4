// Builtins of the "glob" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const globBuiltins: readonly BuiltinDecl[] = [];

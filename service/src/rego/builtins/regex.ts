// Builtins of the "regex" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const regexBuiltins: readonly BuiltinDecl[] = [];

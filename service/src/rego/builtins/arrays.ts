// Builtins of the "arrays" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const arraysBuiltins: readonly BuiltinDecl[] = [];

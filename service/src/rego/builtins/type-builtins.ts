// Builtins of the "type-builtins" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const typeBuiltins: readonly BuiltinDecl[] = [];

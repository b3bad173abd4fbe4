// Builtins of the "uuid" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const uuidBuiltins: readonly BuiltinDecl[] = [];

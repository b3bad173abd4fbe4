// Builtins of the "encoding" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const encodingBuiltins: readonly BuiltinDecl[] = [];

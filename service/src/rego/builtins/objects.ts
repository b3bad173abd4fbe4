// Builtins of the "objects" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const objectsBuiltins: readonly BuiltinDecl[] = [];

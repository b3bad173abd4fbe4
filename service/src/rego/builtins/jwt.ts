// Builtins of the "jwt" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const jwtBuiltins: readonly BuiltinDecl[] = [];

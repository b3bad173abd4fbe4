// Builtins of the "net" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const netBuiltins: readonly BuiltinDecl[] = [];

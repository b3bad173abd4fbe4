// Builtins of the "sets" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const setsBuiltins: readonly BuiltinDecl[] = [];

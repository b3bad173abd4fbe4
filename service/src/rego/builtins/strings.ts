// Builtins of the "strings" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const stringsBuiltins: readonly BuiltinDecl[] = [];

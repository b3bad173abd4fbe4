// Builtins of the "units" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const unitsBuiltins: readonly BuiltinDecl[] = [];

// Builtins of the "comparison" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const comparisonBuiltins: readonly BuiltinDecl[] = [];

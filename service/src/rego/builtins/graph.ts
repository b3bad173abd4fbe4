// Builtins of the "graph" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const graphBuiltins: readonly BuiltinDecl[] = [];

// Builtins of the "aggregates" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const aggregatesBuiltins: readonly BuiltinDecl[] = [];

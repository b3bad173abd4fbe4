// Builtins of the "semver" category (to be filled in by its owner).
import type { BuiltinDecl } from './types.js';

export const semverBuiltins: readonly BuiltinDecl[] = [];

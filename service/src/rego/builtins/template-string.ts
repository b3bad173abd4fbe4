// `internal.template_string`: renders a template string `$"…{expr}…"` from the parts the parser lowered it to.
import { RegoError } from '../errors.js';
import { RegoSet, type Value } from '../value.js';
import { termString } from './go-fmt.js';
import type { BuiltinDecl } from './types.js';

/** A part's text: strings as they are, other values in Rego syntax (as OPA's print shows them). */
function partText(v: Value): string {
  return typeof v === 'string' ? v : termString(v);
}

/**
 * Literal parts are strings (or scalars); each `{expr}` is the set of the expression's values:
 * empty (undefined) renders `<undefined>`, more than one value is a conflict, as in OPA.
 */
function render(parts: Value): string {
  if (!Array.isArray(parts)) throw new RegoError('eval_type_error', 'internal.template_string: operand 1 must be array');
  let out = '';
  for (const p of parts) {
    if (p instanceof RegoSet) {
      if (p.size > 1) throw new RegoError('eval_conflict_error', 'template-strings must not produce multiple outputs');
      out += p.size === 0 ? '<undefined>' : partText(p.values()[0]);
    } else if (p === null || typeof p !== 'object') out += partText(p);
    else throw new RegoError('eval_internal_error', 'illegal argument type: ' + (Array.isArray(p) ? 'array' : 'object'));
  }
  return out;
}

export const templateStringBuiltins: readonly BuiltinDecl[] = [{ name: 'internal.template_string', args: [{ array: 'any' }], result: 'string', impl: ([parts]) => render(parts) }];

// Builtins uri.parse and uri.is_valid: a URL split as Go's net/url splits it.
import { makeObject, type Value } from '../value.js';
import { GoUrlError, parseGoUrl, splitHostPort } from './go-url.js';
import { stringOperand } from './operands.js';
import { builtinError, type BuiltinDecl } from './types.js';

function uriParse(args: Value[], ctx: Parameters<BuiltinDecl['impl']>[1]): Value {
  const s = stringOperand('uri.parse', args[0], 1);
  // The parts together are never longer than twice the input (path and raw_path).
  ctx.charge(2 * s.length + 64);
  let u;
  try {
    u = parseGoUrl(s);
  } catch (e) {
    if (e instanceof GoUrlError) throw builtinError('uri.parse', e.message);
    throw e;
  }
  const out: [string, Value][] = [];
  const { hostname, port } = splitHostPort(u.host);
  if (u.scheme !== '') out.push(['scheme', u.scheme]);
  if (hostname !== '') out.push(['hostname', hostname]);
  if (port !== '') out.push(['port', port]);
  if (u.path !== '') out.push(['path', u.path], ['raw_path', u.rawPath || u.path]);
  if (u.rawQuery !== '') out.push(['raw_query', u.rawQuery]);
  if (u.fragment !== '') out.push(['fragment', u.fragment]);
  return makeObject(out);
}

function uriIsValid(args: Value[]): Value {
  const s = args[0];
  // OPA rejects the empty string although RFC 3986 calls it a valid relative reference.
  if (typeof s !== 'string' || s === '') return false;
  try {
    parseGoUrl(s);
    return true;
  } catch {
    return false;
  }
}

export const uriBuiltins: readonly BuiltinDecl[] = [
  { name: 'uri.parse', args: ['string'], result: { object: ['string', 'string'] }, impl: uriParse },
  { name: 'uri.is_valid', args: ['string'], result: 'boolean', impl: uriIsValid },
];

// json.verify_schema and json.match_schema: JSON Schema drafts 4, 6 and 7 (no remote $ref), with the
// error types, fields and wording of the gojsonschema validator OPA embeds.
import { AuthzServiceError } from '../../errors/index.js';
import { compareValues, formatNumber, isArray, isNumber, isObject, isSet, objectEntries, toArithmetic, valuesEqual, type RegoNumber, type Value } from '../value.js';
import { chargeSerialized } from './charging.js';
import { goJsonMarshal, parseGoJson } from './json-text.js';
import { compileRe2 } from './re2-cache.js';
import { isFormat } from './json-schema-formats.js';
import { builtinError, type BuiltinContext, type BuiltinDecl } from './types.js';

/** A JSON value as the validator sees it: objects as maps with string keys, sets as arrays. */
type J = null | boolean | string | RegoNumber | J[] | Map<string, J>;

class SchemaError extends AuthzServiceError<'ERR_BUILTIN_FAILURE'> {
  readonly code = 'ERR_BUILTIN_FAILURE';
}

const TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

function toJ(name: string, v: Value): J {
  if (isArray(v)) return v.map((x) => toJ(name, x));
  if (isSet(v)) return v.values().map((x) => toJ(name, x));
  if (isObject(v)) {
    const m = new Map<string, J>();
    for (const [k, x] of objectEntries(v)) {
      if (typeof k !== 'string') throw builtinError(name, 'object keys must be strings to be JSON');
      m.set(k, toJ(name, x));
    }
    return m;
  }
  return v as J;
}

function toValue(j: J): Value {
  if (Array.isArray(j)) return j.map(toValue);
  if (j instanceof Map) return Object.fromEntries([...j].map(([k, x]) => [k, toValue(x)])) as Value;
  return j as Value;
}

/** A document or schema operand: a JSON string, or an object (or array) value. */
function loadOperand(name: string, v: Value): J {
  if (typeof v === 'string') {
    try {
      return toJ(name, parseGoJson(v));
    } catch {
      throw new SchemaError('invalid JSON string');
    }
  }
  if (isObject(v) || isArray(v)) return toJ(name, v);
  throw new SchemaError('wrong type, expected string or object');
}

const isNum = (j: J | undefined): j is RegoNumber => j !== undefined && isNumber(j as Value);
const isInt = (n: RegoNumber): boolean => typeof n === 'bigint' || Number.isInteger(toArithmetic(n));

function jsonType(j: J): string {
  if (j === null) return 'null';
  if (typeof j === 'boolean') return 'boolean';
  if (typeof j === 'string') return 'string';
  if (isNum(j)) return isInt(j) ? 'integer' : 'number';
  return Array.isArray(j) ? 'array' : 'object';
}

/** digits × 10^exp of a number, exactly. */
function decimal(n: RegoNumber): { d: bigint; e: number } {
  const m = /^(-?\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(formatNumber(n)) as RegExpExecArray;
  const frac = m[2] ?? '';
  return { d: BigInt(m[1] + frac), e: Number(m[3] ?? 0) - frac.length };
}

function isMultiple(a: RegoNumber, b: RegoNumber): boolean {
  const x = decimal(a);
  const y = decimal(b);
  const e = Math.min(x.e, y.e);
  const den = y.d * 10n ** BigInt(y.e - e);
  return den !== 0n && (x.d * 10n ** BigInt(x.e - e)) % den === 0n;
}

/** big.Float's %v (ten significant digits) for limits in messages. */
function goFloat(n: RegoNumber): string {
  const x = Number(toArithmetic(n));
  return String(Number(x.toPrecision(10))).replace(/e([+-])(\d)$/, 'e$10$2');
}

// ---- schema checks (what gojsonschema rejects when it compiles a schema) ----------------------

function checkSchema(s: J, path: string): void {
  if (typeof s === 'boolean') return;
  if (!(s instanceof Map)) throw new SchemaError(`Invalid type. Expected: valid schema, given: ${jsonType(s)}`);
  const get = (k: string): J | undefined => s.get(k);
  const t = get('type');
  if (t !== undefined) {
    const list = typeof t === 'string' ? [t] : Array.isArray(t) ? t : undefined;
    if (!list) throw new SchemaError('type must be of type string/array');
    const seen = new Set<string>();
    for (const x of list) {
      if (typeof x !== 'string' || !TYPES.includes(x)) {
        throw new SchemaError(`has a primitive type that is NOT VALID -- given: ${String(x)} Expected valid values are:[${TYPES.join(' ')}]`);
      }
      if (seen.has(x)) throw new SchemaError(`${x} type is duplicated`);
      seen.add(x);
    }
  }
  for (const k of ['properties', 'patternProperties', 'definitions', '$defs']) {
    const v = get(k);
    if (v === undefined) continue;
    if (!(v instanceof Map)) throw new SchemaError(`${k} must be of an object`);
    for (const [pk, sub] of v) {
      if (k === 'patternProperties') regexOf(pk, 'patternProperties');
      checkSchema(sub, `${path}/${k}/${pk}`);
    }
  }
  for (const k of ['additionalProperties', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']) {
    const v = get(k);
    if (v !== undefined) checkSchema(v, `${path}/${k}`);
  }
  const items = get('items');
  if (items !== undefined) {
    if (Array.isArray(items)) items.forEach((x, i) => checkSchema(x, `${path}/items/${i}`));
    else checkSchema(items, `${path}/items`);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const v = get(k);
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length === 0) throw new SchemaError(`${k} must be of an array`);
    v.forEach((x, i) => checkSchema(x, `${path}/${k}/${i}`));
  }
  for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
    const v = get(k);
    if (v === undefined) continue;
    if (!isNum(v) || !isInt(v)) throw new SchemaError(`${k} must be of an integer`);
    if (compareValues(v as Value, 0) < 0) throw new SchemaError(`${k} must be greater than or equal to 0`);
  }
  for (const k of ['minimum', 'maximum']) {
    const v = get(k);
    if (v !== undefined && !isNum(v)) throw new SchemaError(`${k} must be of a number`);
  }
  for (const k of ['exclusiveMinimum', 'exclusiveMaximum']) {
    const v = get(k);
    if (v !== undefined && !isNum(v) && typeof v !== 'boolean') throw new SchemaError(`${k} must be of a number`);
  }
  const mult = get('multipleOf');
  if (mult !== undefined) {
    if (!isNum(mult)) throw new SchemaError('multipleOf must be of a number');
    if (compareValues(mult as Value, 0) <= 0) throw new SchemaError('multipleOf must be strictly greater than 0');
  }
  const pattern = get('pattern');
  if (pattern !== undefined) {
    if (typeof pattern !== 'string') throw new SchemaError('pattern must be of a string');
    regexOf(pattern, 'pattern');
  }
  const required = get('required');
  if (required !== undefined) {
    if (!Array.isArray(required) || required.some((x) => typeof x !== 'string')) throw new SchemaError('required items must be string');
    if (new Set(required).size !== required.length) throw new SchemaError('required items must be unique');
  }
  const en = get('enum');
  if (en !== undefined && !Array.isArray(en)) throw new SchemaError('enum must be of an array');
  const uniq = get('uniqueItems');
  if (uniq !== undefined && typeof uniq !== 'boolean') throw new SchemaError('uniqueItems must be of a boolean');
  const deps = get('dependencies');
  if (deps instanceof Map) {
    for (const [, d] of deps) {
      if (Array.isArray(d)) {
        if (d.some((x) => typeof x !== 'string')) throw new SchemaError('dependency items must be string');
      } else checkSchema(d, `${path}/dependencies`);
    }
  } else if (deps !== undefined) throw new SchemaError('dependencies must be of an object');
  const ref = get('$ref');
  if (ref !== undefined && (typeof ref !== 'string' || !ref.startsWith('#'))) {
    throw new SchemaError(`only local references ("#...") are supported, got ${typeof ref === 'string' ? ref : jsonType(ref)}`);
  }
}

function regexOf(pattern: string, key: string): ReturnType<typeof compileRe2> {
  try {
    return compileRe2(pattern);
  } catch {
    throw new SchemaError(`${key} must be a valid regex`);
  }
}

function resolveRef(root: J, ref: string): J {
  let node: J | undefined = root;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer !== '' && !pointer.startsWith('/')) throw new SchemaError(`Reference ${ref} must be canonical`);
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node instanceof Map) node = node.get(part);
    else if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else node = undefined;
    if (node === undefined) throw new SchemaError(`Object has no key '${part}'`);
  }
  return node;
}

/** Every $ref resolves (gojsonschema fails at compile time on a dangling one). */
function checkRefs(root: J, s: J, seen: Set<J>): void {
  if (seen.has(s)) return;
  seen.add(s);
  if (s instanceof Map) {
    const ref = s.get('$ref');
    if (typeof ref === 'string') resolveRef(root, ref);
    for (const v of s.values()) checkRefs(root, v, seen);
  } else if (Array.isArray(s)) for (const v of s) checkRefs(root, v, seen);
}

export function compileSchema(root: J): J {
  checkSchema(root, '#');
  checkRefs(root, root, new Set());
  return root;
}

// ---- validation ------------------------------------------------------------------------------

interface SchemaFailure {
  type: string;
  field: string;
  desc: string;
}

class Result {
  errors: SchemaFailure[] = [];
  score = 0;
  add(type: string, ctx: string[], desc: string): void {
    this.errors.push({ type, field: fieldOf(ctx), desc });
  }
  merge(r: Result): void {
    this.errors.push(...r.errors);
    this.score += r.score;
  }
}

function fieldOf(ctx: string[]): string {
  return ctx.length === 0 ? '(root)' : ctx.join('.');
}

class Validator {
  private steps = 0;
  constructor(
    private readonly root: J,
    private readonly ctx: BuiltinContext,
  ) {}

  sub(s: J, node: J, path: string[]): Result {
    const r = new Result();
    this.validate(s, node, r, path);
    return r;
  }

  validate(s: J, node: J, r: Result, path: string[]): void {
    // A schema can refer to itself; every step is charged so a cycle runs into the budget.
    if (++this.steps % 256 === 0) this.ctx.charge(256);
    if (typeof s === 'boolean') {
      if (!s) r.add('false', path, 'False always fails validation');
      return;
    }
    const m = s as Map<string, J>;
    const ref = m.get('$ref');
    if (typeof ref === 'string') return this.validate(resolveRef(this.root, ref), node, r, path);
    const t = m.get('type');
    const types = t === undefined ? [] : typeof t === 'string' ? [t] : (t as string[]);
    if (types.length > 0) {
      const given = jsonType(node);
      const ok = types.includes(given) || (given === 'integer' && types.includes('number'));
      if (!ok) {
        const expected = types.length === 1 ? types[0] : `[${types.join(',')}]`;
        r.add('invalid_type', path, `Invalid type. Expected: ${expected}, given: ${given}`);
        return;
      }
    }
    this.combinators(m, node, r, path);
    if (isNum(node)) this.number(m, node, r, path);
    if (Array.isArray(node)) this.array(m, node, r, path);
    if (node instanceof Map) this.object(m, node, r, path);
    this.common(m, node, r, path);
    if (typeof node === 'string') this.string(m, node, r, path);
    if (node instanceof Map) {
      const props = m.get('properties');
      if (props instanceof Map) {
        for (const [k, sub] of props) if (node.has(k)) this.validate(sub, node.get(k) as J, r, [...path, k]);
      }
    }
    r.score++;
  }

  private combinators(m: Map<string, J>, node: J, r: Result, path: string[]): void {
    const anyOf = m.get('anyOf');
    if (Array.isArray(anyOf)) {
      let best: Result | undefined;
      let ok = false;
      for (const s of anyOf) {
        const res = this.sub(s, node, path);
        if (res.errors.length === 0) {
          ok = true;
          break;
        }
        if (!best || res.score > best.score) best = res;
      }
      if (!ok) {
        r.add('number_any_of', path, 'Must validate at least one schema (anyOf)');
        if (best) r.merge(best);
      }
    }
    const oneOf = m.get('oneOf');
    if (Array.isArray(oneOf)) {
      let best: Result | undefined;
      let n = 0;
      for (const s of oneOf) {
        const res = this.sub(s, node, path);
        if (res.errors.length === 0) n++;
        else if (n === 0 && (!best || res.score > best.score)) best = res;
      }
      if (n !== 1) {
        r.add('number_one_of', path, 'Must validate one and only one schema (oneOf)');
        if (n === 0 && best) r.merge(best);
      }
    }
    const allOf = m.get('allOf');
    if (Array.isArray(allOf)) {
      let n = 0;
      for (const s of allOf) {
        const res = this.sub(s, node, path);
        if (res.errors.length === 0) n++;
        r.merge(res);
      }
      if (n !== allOf.length) r.add('number_all_of', path, 'Must validate all the schemas (allOf)');
    }
    const not = m.get('not');
    if (not !== undefined && this.sub(not, node, path).errors.length === 0) r.add('number_not', path, 'Must not validate the schema (not)');
    const deps = m.get('dependencies');
    if (deps instanceof Map && node instanceof Map) {
      for (const key of [...node.keys()].sort()) {
        const d = deps.get(key);
        if (d === undefined) continue;
        if (Array.isArray(d)) {
          for (const need of d as string[]) if (!node.has(need)) r.add('missing_dependency', path, `Has a dependency on ${need}`);
        } else this.validate(d, node, r, path);
      }
    }
    const cond = m.get('if');
    if (cond !== undefined) {
      const ok = this.sub(cond, node, path).errors.length === 0;
      const branch = m.get(ok ? 'then' : 'else');
      if (branch !== undefined) {
        const res = this.sub(branch, node, path);
        if (res.errors.length > 0) {
          r.add(ok ? 'condition_then' : 'condition_else', path, ok ? 'Must validate "then" as "if" was valid' : 'Must validate "else" as "if" was not valid');
          r.merge(res);
        }
      }
    }
    r.score++;
  }

  private common(m: Map<string, J>, node: J, r: Result, path: string[]): void {
    const field = fieldOf(path);
    if (m.has('const')) {
      const c = m.get('const') as J;
      if (!valuesEqual(toValue(c), toValue(node))) r.add('const', path, `${field} does not match: ${goJsonMarshal(toValue(c))}`);
    }
    const en = m.get('enum');
    if (Array.isArray(en) && !en.some((x) => valuesEqual(toValue(x), toValue(node)))) {
      const allowed = en.length === 0 ? '(none)' : en.map((x) => goJsonMarshal(toValue(x))).join(', ');
      r.add('enum', path, `${field} must be one of the following: ${allowed}`);
    }
    const format = m.get('format');
    if (typeof format === 'string' && typeof node === 'string' && !isFormat(format, node)) {
      r.add('format', path, `Does not match format '${format}'`);
    }
    r.score++;
  }

  private array(m: Map<string, J>, node: J[], r: Result, path: string[]): void {
    const items = m.get('items');
    if (items !== undefined && !Array.isArray(items)) {
      node.forEach((x, i) => r.merge(this.sub(items, x, [...path, String(i)])));
    } else if (Array.isArray(items) && items.length > 0) {
      for (let i = 0; i < items.length && i < node.length; i++) r.merge(this.sub(items[i], node[i], [...path, String(i)]));
      const extra = m.get('additionalItems');
      if (items.length < node.length) {
        if (extra === false) r.add('array_no_additional_items', path, 'No additional items allowed on array');
        else if (extra instanceof Map) {
          for (let i = items.length; i < node.length; i++) r.merge(this.sub(extra, node[i], [...path, String(i)]));
        }
      }
    }
    const min = m.get('minItems');
    if (isNum(min) && compareValues(node.length, min as Value) < 0) r.add('array_min_items', path, `Array must have at least ${formatNumber(min)} items`);
    const max = m.get('maxItems');
    if (isNum(max) && compareValues(node.length, max as Value) > 0) r.add('array_max_items', path, `Array must have at most ${formatNumber(max)} items`);
    if (m.get('uniqueItems') === true) {
      for (let j = 0; j < node.length; j++) {
        for (let i = 0; i < j; i++) {
          if (valuesEqual(toValue(node[i]), toValue(node[j]))) {
            r.add('unique', path, `array items[${i},${j}] must be unique`);
            break;
          }
        }
      }
    }
    const contains = m.get('contains');
    if (contains !== undefined) {
      let best: Result | undefined;
      let ok = false;
      for (let i = 0; i < node.length; i++) {
        const res = this.sub(contains, node[i], [...path, String(i)]);
        if (res.errors.length === 0) {
          ok = true;
          break;
        }
        if (!best || res.score > best.score) best = res;
      }
      if (!ok) {
        r.add('contains', path, 'At least one of the items must match');
        if (best) r.merge(best);
      }
    }
    r.score++;
  }

  private object(m: Map<string, J>, node: Map<string, J>, r: Result, path: string[]): void {
    const min = m.get('minProperties');
    if (isNum(min) && compareValues(node.size, min as Value) < 0) r.add('array_min_properties', path, `Must have at least ${formatNumber(min)} properties`);
    const max = m.get('maxProperties');
    if (isNum(max) && compareValues(node.size, max as Value) > 0) r.add('array_max_properties', path, `Must have at most ${formatNumber(max)} properties`);
    const required = m.get('required');
    if (Array.isArray(required)) {
      for (const k of required as string[]) {
        if (node.has(k)) r.score++;
        else r.add('required', path, `${k} is required`);
      }
    }
    const props = m.get('properties');
    const patterns = m.get('patternProperties');
    const extra = m.get('additionalProperties');
    // Go ranges over the map in random order; sorted keys make the error list stable.
    const keys = [...node.keys()].sort();
    for (const k of keys) {
      const found = props instanceof Map && props.has(k);
      let matched = false;
      if (patterns instanceof Map) {
        for (const [p, sub] of patterns) {
          if (compileRe2(p).matcher(k).find()) {
            matched = true;
            r.merge(this.sub(sub, node.get(k) as J, [...path, k]));
          }
        }
        if (matched) r.score++;
      }
      if (found || matched) continue;
      if (extra === false) r.add('additional_property_not_allowed', path, `Additional property ${k} is not allowed`);
      else if (extra instanceof Map) r.merge(this.sub(extra, node.get(k) as J, [...path, k]));
    }
    const names = m.get('propertyNames');
    if (names !== undefined) {
      for (const k of keys) {
        const res = this.sub(names, k, path);
        if (res.errors.length > 0) {
          r.add('invalid_property_name', path, `Property name of "${k}" does not match`);
          r.merge(res);
        }
      }
    }
    r.score++;
  }

  private string(m: Map<string, J>, node: string, r: Result, path: string[]): void {
    const length = [...node].length;
    const min = m.get('minLength');
    if (isNum(min) && compareValues(length, min as Value) < 0) r.add('string_gte', path, `String length must be greater than or equal to ${formatNumber(min)}`);
    const max = m.get('maxLength');
    if (isNum(max) && compareValues(length, max as Value) > 0) r.add('string_lte', path, `String length must be less than or equal to ${formatNumber(max)}`);
    const pattern = m.get('pattern');
    if (typeof pattern === 'string' && !compileRe2(pattern).matcher(node).find()) r.add('pattern', path, `Does not match pattern '${pattern}'`);
    r.score++;
  }

  private number(m: Map<string, J>, node: RegoNumber, r: Result, path: string[]): void {
    const v = node as Value;
    const mult = m.get('multipleOf');
    if (isNum(mult) && !isMultiple(node, mult)) r.add('multiple_of', path, `Must be a multiple of ${goFloat(mult)}`);
    const max = m.get('maximum');
    const exMax = m.get('exclusiveMaximum');
    if (isNum(max)) {
      // Draft 4's boolean exclusiveMaximum makes maximum itself exclusive.
      if (exMax === true ? compareValues(v, max as Value) >= 0 : compareValues(v, max as Value) > 0) {
        r.add(exMax === true ? 'number_lt' : 'number_lte', path, `Must be less than${exMax === true ? '' : ' or equal to'} ${goFloat(max)}`);
      }
    }
    if (isNum(exMax) && compareValues(v, exMax as Value) >= 0) r.add('number_lt', path, `Must be less than ${goFloat(exMax)}`);
    const min = m.get('minimum');
    const exMin = m.get('exclusiveMinimum');
    if (isNum(min)) {
      if (exMin === true ? compareValues(v, min as Value) <= 0 : compareValues(v, min as Value) < 0) {
        r.add(exMin === true ? 'number_gt' : 'number_gte', path, `Must be greater than${exMin === true ? '' : ' or equal to'} ${goFloat(min)}`);
      }
    }
    if (isNum(exMin) && compareValues(v, exMin as Value) <= 0) r.add('number_gt', path, `Must be greater than ${goFloat(exMin)}`);
    r.score++;
  }
}

const VERIFY = 'json.verify_schema';
const MATCH = 'json.match_schema';
const STRING_OR_OBJECT = { oneOf: ['string' as const, { object: ['any' as const, 'any' as const] as ['any', 'any'] }] };

export const jsonSchemaBuiltins: readonly BuiltinDecl[] = [
  {
    name: VERIFY,
    args: [STRING_OR_OBJECT],
    result: { array: 'any' },
    impl: (args) => {
      try {
        compileSchema(loadOperand(VERIFY, args[0]));
        return [true, null];
      } catch (e) {
        if (e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
        throw e;
      }
    },
  },
  {
    name: MATCH,
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: { array: 'any' },
    impl: (args, ctx) => {
      try {
        const doc = loadOperand(MATCH, args[0]);
        const schema = compileSchema(loadOperand(MATCH, args[1]));
        const result = new Validator(schema, ctx).sub(schema, doc, []);
        const errors: Value[] = result.errors.map((e) => ({ error: `${e.field}: ${e.desc}`, type: e.type, field: e.field, desc: e.desc }));
        chargeSerialized(ctx, errors);
        return [errors.length === 0, errors];
      } catch (e) {
        if (e instanceof SchemaError) throw builtinError(MATCH, e.message);
        throw e;
      }
    },
  },
];

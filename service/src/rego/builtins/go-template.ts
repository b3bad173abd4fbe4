// strings.render_template: the subset of Go's text/template that templates over plain data use —
// text, {{.a.b}} and {{.}}, if/else if/else, range/else, with, comments and {{- -}} trimming —
// executed with missingkey=error as OPA does. Anything else (functions, variables, pipelines) is
// reported as a builtin error rather than rendered differently from OPA.
import { formatNumber, isObject, objectEntries, objectGet, RegoSet, type Value } from '../value.js';
import { builtinError, operandError, type BuiltinContext } from './types.js';
import { chargeSerialized, chunkedCharge } from './charging.js';

const NAME = 'strings.render_template';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'field'; path: string[]; src: string }
  | { kind: 'if' | 'with' | 'range'; path: string[]; src: string; body: Node[]; alt: Node[] };

interface Token {
  text?: string;
  action?: string;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) out.push({ text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw builtinError(NAME, 'template: template:1: unclosed action');
    let end = close;
    let trimAfter = false;
    if (/\s-$/.test(src.slice(start, close))) {
      end = close - 1;
      trimAfter = true;
    }
    out.push({ action: src.slice(start, end).trim() });
    i = close + 2;
    if (trimAfter) {
      const m = /^\s*/.exec(src.slice(i)) as RegExpExecArray;
      i += m[0].length;
    }
  }
  return out;
}

function parsePath(expr: string): string[] {
  if (expr === '.') return [];
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(expr)) throw builtinError(NAME, `template: unsupported template action "${expr}"`);
  return expr.slice(1).split('.');
}

/** Parses tokens until one of the `stops` keywords; returns the nodes and the stop found. */
function parseList(tokens: Token[], pos: { i: number }, stops: string[]): [Node[], string] {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const t = tokens[pos.i++];
    if (t.text !== undefined) {
      nodes.push({ kind: 'text', text: t.text });
      continue;
    }
    const action = t.action as string;
    if (action.startsWith('/*') && action.endsWith('*/')) continue;
    const word = action.split(/\s+/, 1)[0];
    if (stops.includes(word)) return [nodes, action];
    if (word === 'if' || word === 'with' || word === 'range') {
      nodes.push(parseBlock(word, action.slice(word.length).trim(), tokens, pos));
      continue;
    }
    nodes.push({ kind: 'field', path: parsePath(action), src: action });
  }
  if (stops.length > 0) throw builtinError(NAME, 'template: template:1: unexpected EOF');
  return [nodes, ''];
}

function parseBlock(kind: 'if' | 'with' | 'range', expr: string, tokens: Token[], pos: { i: number }): Node {
  const [body, stop] = parseList(tokens, pos, ['else', 'end']);
  let alt: Node[] = [];
  if (stop.startsWith('else')) {
    const rest = stop.slice(4).trim();
    if (rest.startsWith('if ') && kind === 'if') alt = [parseBlock('if', rest.slice(3).trim(), tokens, pos)];
    else {
      if (rest !== '') throw builtinError(NAME, `template: unsupported template action "${stop}"`);
      alt = parseList(tokens, pos, ['end'])[0];
    }
  }
  return { kind, path: parsePath(expr), src: expr, body, alt };
}

function lookup(dot: Value | undefined, path: string[], src: string): Value | undefined {
  let cur = dot;
  for (const key of path) {
    if (cur === undefined || cur === null) return undefined;
    if (!isObject(cur)) throw builtinError(NAME, `template: template: executing "template" at <${src}>: can't evaluate field ${key}`);
    const next = objectGet(cur, key);
    if (next === undefined) throw builtinError(NAME, `template: template: executing "template" at <${src}>: map has no entry for key "${key}"`);
    cur = next;
  }
  return cur;
}

function truthy(v: Value | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === 0n || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof RegoSet) return v.size > 0;
  if (isObject(v)) return objectEntries(v).length > 0;
  return true;
}

/** How fmt.Fprint prints the JSON-decoded value Go's template sees. */
function printValue(v: Value | undefined, nested = false): string {
  if (v === undefined || v === null) return nested ? '<nil>' : '<no value>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
  }
  if (Array.isArray(v)) return '[' + v.map((x) => printValue(x, true)).join(' ') + ']';
  if (v instanceof RegoSet) return '[' + v.values().map((x) => printValue(x, true)).join(' ') + ']';
  return 'map[' + objectEntries(v).map(([k, x]) => printValue(k, true) + ':' + printValue(x, true)).join(' ') + ']';
}

/** Runs the nodes, charging each piece before it is built (a range repeats its body). */
function exec(nodes: Node[], dot: Value | undefined, ctx: BuiltinContext, charge: (n: number) => void): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        charge(node.text.length);
        out += node.text;
        break;
      case 'field': {
        const v = lookup(dot, node.path, node.src);
        if (v !== undefined) chargeSerialized(ctx, v);
        out += printValue(v);
        break;
      }
      case 'if': {
        const v = lookup(dot, node.path, node.src);
        out += exec(truthy(v) ? node.body : node.alt, dot, ctx, charge);
        break;
      }
      case 'with': {
        const v = lookup(dot, node.path, node.src);
        out += truthy(v) ? exec(node.body, v, ctx, charge) : exec(node.alt, dot, ctx, charge);
        break;
      }
      case 'range': {
        const v = lookup(dot, node.path, node.src);
        const items = Array.isArray(v) ? v : v instanceof RegoSet ? v.values() : v !== undefined && isObject(v) ? objectEntries(v).map(([, x]) => x) : [];
        if (v !== undefined && v !== null && !Array.isArray(v) && !(v instanceof RegoSet) && !isObject(v)) {
          throw builtinError(NAME, `template: template: executing "template" at <${node.src}>: range can't iterate over ${printValue(v)}`);
        }
        out += items.length === 0 ? exec(node.alt, dot, ctx, charge) : items.map((x) => exec(node.body, x, ctx, charge)).join('');
        break;
      }
    }
  }
  return out;
}

/** strings.render_template(template, vars). */
export function renderTemplate(args: Value[], ctx: BuiltinContext): Value {
  const template = args[0];
  if (typeof template !== 'string') throw operandError(NAME, 1, 'string', template);
  const vars = args[1];
  if (!isObject(vars)) throw operandError(NAME, 2, 'object', vars);
  const [nodes] = parseList(tokenize(template), { i: 0 }, []);
  const charge = chunkedCharge(ctx);
  const out = exec(nodes, vars, ctx, charge.add);
  charge.flush();
  return out;
}

// JSON text of Rego values as `opa eval --format json` prints them: sets as arrays, sorted keys,
// non-string keys as their JSON text, integers exact.
import { formatNumber, isSet, objectEntries } from '../rego/value.js';
import type { PlainObject, RegoObject, Value } from '../rego/value.js';

/** Indented JSON (two spaces per level); `indent` is the current line's indentation. */
export function formatJson(value: Value, indent = ''): string {
  return render(value, indent, true);
}

function render(value: Value, indent: string, pretty: boolean): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? formatNumber(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
  }
  const inner = indent + '  ';
  const open = pretty ? `\n${inner}` : '';
  const sep = pretty ? `,\n${inner}` : ',';
  const close = pretty ? `\n${indent}` : '';
  if (Array.isArray(value) || isSet(value)) {
    const items = Array.isArray(value) ? value : value.values();
    if (items.length === 0) return '[]';
    return `[${open}${items.map((v) => render(v, inner, pretty)).join(sep)}${close}]`;
  }
  const entries = objectEntries(value as PlainObject | RegoObject);
  if (entries.length === 0) return '{}';
  const parts = entries.map(([k, v]) => {
    // As OPA does: a non-string key is written as the (compact) JSON text of its value.
    const key = typeof k === 'string' ? k : render(k, '', false);
    return `${JSON.stringify(key)}:${pretty ? ' ' : ''}${render(v, inner, pretty)}`;
  });
  return `{${open}${parts.join(sep)}${close}}`;
}

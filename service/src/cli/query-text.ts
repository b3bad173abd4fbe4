// Splits a query into its top-level expressions with their source text and position, as
// `opa eval` reports them (expressions are separated by `;` or a newline outside brackets).

export interface QueryExpressionText {
  text: string;
  row: number;
  col: number;
}

/** Top-level expressions of `query` in order; brackets, strings and comments are respected. */
export function splitQueryExpressions(query: string): QueryExpressionText[] {
  const out: QueryExpressionText[] = [];
  let depth = 0;
  let start = 0;
  const flush = (end: number): void => {
    const raw = query.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text !== '') out.push({ text, ...position(query, start + lead) });
  };
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch === '"') i = skipString(query, i);
    else if (ch === '`') i = skipUntil(query, i + 1, '`');
    else if (ch === '#') {
      flush(i);
      i = skipUntil(query, i + 1, '\n');
      start = i + 1;
    } else if (ch === '[' || ch === '{' || ch === '(') depth++;
    else if (ch === ']' || ch === '}' || ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (ch === ';' || ch === '\n')) {
      flush(i);
      start = i + 1;
    }
  }
  flush(query.length);
  return out;
}

function skipString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"' || s[j] === '\n') return j;
  }
  return s.length;
}

function skipUntil(s: string, from: number, ch: string): number {
  const j = s.indexOf(ch, from);
  return j === -1 ? s.length : j;
}

function position(s: string, offset: number): { row: number; col: number } {
  const before = s.slice(0, offset);
  const row = before.split('\n').length;
  return { row, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

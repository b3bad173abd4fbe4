// regex.globs_match: whether two "glob-style" expressions (the syntax of the glob-intersection
// library OPA uses: `.`, `[...]` sets and ranges, `*` and `+` after a token, `\` escapes) have a
// string in common. Decided on the product of the two token automata, so it is quadratic at worst.
import type { Value } from '../value.js';
import { builtinError } from './types.js';
import { stringOperand } from './operands.js';

const NAME = 'regex.globs_match';

/** Code point ranges a token matches; undefined stands for any character (`.`). */
type Ranges = [number, number][] | undefined;

interface Token {
  chars: Ranges;
  star: boolean;
}

function invalid(pos: number, message: string): never {
  throw builtinError(NAME, `the input provided is invalid: pos:${pos}:${message}`);
}

function tokenize(input: string): Token[] {
  const rs = Array.from(input, (c) => c.codePointAt(0) as number);
  const tokens: Token[] = [];
  let i = 0;
  const next = (): [number, boolean] => {
    if (rs[i] === 0x5c) {
      if (i === rs.length - 1) invalid(i, 'input ends with a \\ (escape) character');
      i += 2;
      return [rs[i - 1], true];
    }
    return [rs[i++], false];
  };
  while (i < rs.length) {
    const [r, escaped] = next();
    const ch = String.fromCodePoint(r);
    if (!escaped && (ch === '*' || ch === '+')) {
      const prev = tokens[tokens.length - 1];
      if (!prev || prev.star) invalid(i, `flag '${ch}' must be preceded by a non-flag`);
      if (ch === '*') prev.star = true;
      else tokens.push({ chars: prev.chars, star: true });
      continue;
    }
    if (!escaped && ch === '.') tokens.push({ chars: undefined, star: false });
    else if (!escaped && ch === ']') invalid(i, "set-close ']' with no preceding '['");
    else if (!escaped && ch === '[') tokens.push({ chars: parseSet(), star: false });
    else tokens.push({ chars: [[r, r]], star: false });
  }
  return tokens;

  function parseSet(): [number, number][] {
    const ranges: [number, number][] = [];
    let prev = -1;
    while (i < rs.length) {
      const [r, escaped] = next();
      if (!escaped && r === 0x2d) {
        if (prev < 0) invalid(i, "range character '-' must be preceded by a Unicode character");
        if (i >= rs.length) invalid(i, "range character '-' must be followed by a Unicode character");
        const [hi, hiEscaped] = next();
        if (!hiEscaped && (hi === 0x5d || hi === 0x2d)) invalid(i, "range character '-' cannot be followed by a special symbol");
        if (hi < prev) invalid(i, 'range is out of order');
        ranges.push([prev, hi]);
        prev = -1;
      } else if (!escaped && r === 0x5d) return ranges;
      else {
        ranges.push([r, r]);
        prev = r;
      }
    }
    return invalid(i, 'found [ without matching ]');
  }
}

function overlaps(a: Ranges, b: Ranges): boolean {
  if (a === undefined) return b === undefined || b.length > 0;
  if (b === undefined) return a.length > 0;
  return a.some(([lo, hi]) => b.some(([lo2, hi2]) => lo <= hi2 && lo2 <= hi));
}

/** True when some string matches both expressions. */
export function globsMatch(args: Value[]): Value {
  const g1 = tokenize(stringOperand(NAME, args[0], 1));
  const g2 = tokenize(stringOperand(NAME, args[1], 2));
  const seen = new Set<number>();
  const width = g2.length + 1;
  const queue: [number, number][] = [[0, 0]];
  while (queue.length > 0) {
    const [i, j] = queue.pop() as [number, number];
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === g1.length && j === g2.length) return true;
    if (i < g1.length && g1[i].star) queue.push([i + 1, j]);
    if (j < g2.length && g2[j].star) queue.push([i, j + 1]);
    if (i < g1.length && j < g2.length && overlaps(g1[i].chars, g2[j].chars)) {
      queue.push([g1[i].star ? i : i + 1, g2[j].star ? j : j + 1]);
    }
  }
  return false;
}

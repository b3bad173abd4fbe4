// "Did you mean" for a misspelled key: the closest known name within a small edit distance.

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), with an
 * early exit once every path exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > limit) return limit + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** The known name closest to `name` (ties: the first listed), or undefined when none is close. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  // Short keys tolerate one edit, longer ones up to three.
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 4)));
  let found: string | undefined;
  let bestScore = limit + 1;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase(), limit);
    if (d < bestScore) {
      bestScore = d;
      found = candidate;
    }
  }
  return found;
}

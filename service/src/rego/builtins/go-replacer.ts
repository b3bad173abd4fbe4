// Go's strings.Replacer (what OPA's replace and strings.replace_n use): at each position the
// earliest pair in argument order that matches wins, matches never overlap, replaced text is not
// re-scanned, and an empty old string matches once between characters and at both ends.

/**
 * Replaces with Go's strings.NewReplacer(oldnew...).Replace(s) semantics. `charge` hears the size
 * of the output before it is built (for one pair) or as it grows, and may throw to stop it.
 */
export function goReplace(s: string, pairs: readonly (readonly [string, string])[], charge: (n: number) => void = () => undefined): string {
  if (pairs.length === 0) return s;
  // Later duplicates of a key never win in Go's trie; drop them up front.
  const seen = new Set<string>();
  const list = pairs.filter(([old]) => (seen.has(old) ? false : (seen.add(old), true)));
  if (list.length === 1 && list[0][0] !== '') {
    const parts = s.split(list[0][0]);
    charge(s.length + (parts.length - 1) * (list[0][1].length - list[0][0].length));
    return parts.join(list[0][1]);
  }
  let out = '';
  let last = 0;
  let prevMatchEmpty = false;
  for (let i = 0; i <= s.length; ) {
    let match: readonly [string, string] | undefined;
    for (const pair of list) {
      if (pair[0] === '' ? !prevMatchEmpty : s.startsWith(pair[0], i)) {
        match = pair;
        break;
      }
    }
    prevMatchEmpty = match !== undefined && match[0] === '';
    if (match) {
      charge(i - last + match[1].length);
      out += s.slice(last, i) + match[1];
      i += match[0].length;
      last = i;
      continue;
    }
    if (i === s.length) break;
    // Step over a whole code point so an empty key never splits a surrogate pair.
    i += (s.codePointAt(i) as number) > 0xffff ? 2 : 1;
  }
  charge(s.length - last);
  return out + s.slice(last);
}

// The checked-in ratchet: passing.json (cases that must keep passing) and excluded.json (with reasons).
import { readFileSync, writeFileSync } from 'node:fs';

const PASSING = new URL('./passing.json', import.meta.url);
const EXCLUDED = new URL('./excluded.json', import.meta.url);

/** Case ids that passed when the list was last updated. */
export function readPassing(): string[] {
  return JSON.parse(readFileSync(PASSING, 'utf8')) as string[];
}

/** Writes the sorted list of passing case ids (excluded ones never enter it). */
export function writePassing(ids: Iterable<string>): void {
  const excluded = readExcluded();
  const list = [...new Set(ids)].filter((id) => !(id in excluded)).sort();
  writeFileSync(PASSING, JSON.stringify(list, null, 2) + '\n');
}

/** Case id → reason it is excluded (for example an expectation contradicting OPA's documented behaviour). */
export function readExcluded(): Record<string, string> {
  return JSON.parse(readFileSync(EXCLUDED, 'utf8')) as Record<string, string>;
}

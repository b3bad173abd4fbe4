// Compiled RE2 programs (re2js: Go regexp semantics, linear-time matching) behind a bounded LRU,
// shared by the regex and glob builtins so a policy's patterns are compiled once, not per call.
import { AuthzServiceError } from '../../errors/index.js';
import { RE2JS } from 're2js';

const MAX_ENTRIES = 500;

type Entry = { re: RE2JS } | { error: string };

const cache = new Map<string, Entry>();

/** A pattern that does not compile; the message is Go's ("error parsing regexp: ..."). */
export class RegexSyntaxError extends AuthzServiceError<'ERR_REGEX_SYNTAX'> {
  readonly code = 'ERR_REGEX_SYNTAX';
  override name = 'RegexSyntaxError';
}

function compileEntry(pattern: string): Entry {
  try {
    return { re: RE2JS.compile(pattern) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The compiled pattern; throws RegexSyntaxError when it is not valid RE2 syntax. */
export function compileRe2(pattern: string): RE2JS {
  let entry = cache.get(pattern);
  if (entry) {
    // Refresh recency: a Map iterates in insertion order, so the first key is the least recent.
    cache.delete(pattern);
  } else {
    entry = compileEntry(pattern);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  cache.set(pattern, entry);
  if ('error' in entry) throw new RegexSyntaxError(entry.error);
  return entry.re;
}

/** Go's regexp.QuoteMeta: escapes every RE2 metacharacter. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

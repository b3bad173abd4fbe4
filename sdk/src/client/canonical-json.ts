// Canonical JSON (sorted object keys, no whitespace) so equal actions give equal cache keys.

/**
 * Serializes a JSON value with object keys sorted at every depth, the form the service uses
 * for its decision cache key. `undefined` members are dropped, as JSON.stringify does.
 *
 * @param value - any JSON-compatible value
 * @returns the canonical text
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
}

// Refuses credentials written into configuration URLs (`https://user:secret@host`). URLs are shown
// in logs, metrics labels and operator endpoints, where a secret inside one would leak. The check
// walks every string of the configuration, so a URL-valued key added later is covered too.
import type { SchemaIssue } from '../schema/create-ajv.js';

// Where a URL is the only way the configuration gives a credential, and the service never shows
// the URL: the Redis URL carries its password (`redis://:password@host`).
const EXEMPT = new Set(['redis.url']);

// An account name that is not a secret (ssh authenticates with keys): `ssh://git@host/repo`.
const NAME_ONLY_ALLOWED = new Set(['ssh:', 'git+ssh:']);

function credentialsIn(value: string): boolean {
  if (!value.includes('@') || !value.includes('://')) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.password !== '') return true;
  return url.username !== '' && !NAME_ONLY_ALLOWED.has(url.protocol);
}

// Deeper than any configuration key; a deeper (hostile) document is left to the schema to refuse.
const MAX_DEPTH = 64;

/** `seen`: YAML aliases can make the document a graph, even a cycle; each node is walked once. */
function walk(node: unknown, path: string, depth: number, seen: Set<object>, issues: SchemaIssue[]): void {
  if (typeof node === 'string') {
    if (!EXEMPT.has(path) && credentialsIn(node)) {
      // The value itself is never repeated: it holds the secret.
      issues.push({ path, message: 'must not carry a user name or password (userinfo): URLs are logged and shown, so credentials in one would leak' });
    }
    return;
  }
  if (node === null || typeof node !== 'object' || seen.has(node) || depth >= MAX_DEPTH) return;
  seen.add(node);
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1, seen, issues));
    return;
  }
  for (const [key, value] of Object.entries(node)) walk(value, path === '' ? key : `${path}.${key}`, depth + 1, seen, issues);
}

/** Every configuration key whose URL value holds credentials (run on the merged, raw configuration). */
export function checkUrlCredentials(config: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  walk(config, '', 0, new Set(), issues);
  return issues;
}

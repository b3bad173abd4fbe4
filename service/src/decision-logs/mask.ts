// Masks argument values under secret-looking keys, plus configured JSON paths, before logging.

export const MASK = '***';

/** Words that make a key secret-looking, matched per word of camelCase / snake_case / kebab-case names. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'pass', 'token', 'secret', 'key', 'apikey', 'authorization',
  'auth', 'credential', 'credentials', 'cookie', 'session', 'private', 'signature', 'otp', 'pin',
]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when a key such as `apiKey`, `access_token` or `Authorization` names a secret. */
export function isSecretKey(key: string): boolean {
  const ws = words(key);
  return ws.some((w) => SECRET_WORDS.has(w)) || SECRET_WORDS.has(ws.join(''));
}

/**
 * Parses a configured path, relative to the arguments object: `$.body.card`, `items[*].pan`,
 * `headers.x-api`. `*` (or `[*]`) matches every key or index.
 */
export function parseMaskPath(path: string): string[] {
  const p = path.replace(/^\$\.?/, '').replace(/^arguments\./, '');
  const out: string[] = [];
  for (const part of p.split('.')) {
    const m = /^([^[\]]*)((\[[^\]]*\])*)$/.exec(part);
    if (!m) throw new Error(`invalid mask path: ${path}`);
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].match(/\[([^\]]*)\]/g) ?? []) out.push(idx.slice(1, -1).replace(/^['"]|['"]$/g, ''));
  }
  if (out.length === 0) throw new Error(`invalid mask path: ${path}`);
  return out;
}

export type ArgumentMasker = (args: Record<string, unknown>) => Record<string, unknown>;

function maskKeys(value: unknown, depth: number): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? MASK : maskKeys(v, depth + 1);
  return out;
}

function maskPath(value: unknown, path: readonly string[]): void {
  if (value === null || typeof value !== 'object' || path.length === 0) return;
  const [head, ...rest] = path;
  const container = value as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(container) : Object.prototype.hasOwnProperty.call(container, head) ? [head] : [];
  for (const k of keys) {
    if (rest.length === 0) container[k] = MASK;
    else maskPath(container[k], rest);
  }
}

/** Builds a masker; the result is a copy, the input is never changed (it is the policy's input too). */
export function createArgumentMasker(options: { paths?: readonly string[]; maskSecretKeys?: boolean } = {}): ArgumentMasker {
  const paths = (options.paths ?? []).map(parseMaskPath);
  const byKey = options.maskSecretKeys !== false;
  return (args) => {
    const copy = (byKey ? maskKeys(args, 0) : structuredClone(args)) as Record<string, unknown>;
    for (const p of paths) maskPath(copy, p);
    return copy;
  };
}

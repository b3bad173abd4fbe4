// Masks argument values under secret-looking keys, credential-shaped strings, and configured JSON paths, before logging.

export const MASK = '***';

/** Words that make a key secret-looking, matched per word of camelCase / snake_case / kebab-case names. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'pass', 'token', 'secret', 'key', 'apikey', 'authorization',
  'auth', 'credential', 'credentials', 'cookie', 'cookies', 'session', 'private', 'signature', 'otp', 'pin',
  'jwt', 'jwe', 'jws', 'bearer', 'privatekey', 'accesstoken', 'refreshtoken', 'idtoken', 'clientsecret', 'setcookie',
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

/** Longest JOSE header segment decoded; real headers are a few hundred bytes. */
const MAX_HEADER_SEGMENT = 8192;
const B64URL_SEGMENT = /^[A-Za-z0-9_-]*$/;

/** The header of a JWS/JWE when `segment` is one: base64url of a JSON object (`alg`, `enc`...). */
function joseHeader(segment: string): Record<string, unknown> | undefined {
  if (segment.length < 4 || segment.length > MAX_HEADER_SEGMENT || !B64URL_SEGMENT.test(segment)) return undefined;
  const text = Buffer.from(segment, 'base64url').toString('utf8').trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Masks compact JWS (3 segments) and JWE (5 segments) inside one run of base64url characters and dots. */
function maskJoseRun(run: string): string {
  if (!run.includes('.')) return run;
  const segs = run.split('.');
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const header = segs.length - i >= 3 ? joseHeader(segs[i]!) : undefined;
    if (!header) {
      out.push(segs[i]!);
      continue;
    }
    const n = 'enc' in header && segs.length - i >= 5 ? 5 : 3;
    out.push(MASK);
    i += n - 1;
  }
  return out.join('.');
}

/** `Bearer <token>` anywhere; `Basic <base64 of user:password>` (Basic alone is a common word). */
const AUTH_SCHEME = /\b(bearer|basic)(\s+)([A-Za-z0-9._~+/-]+=*)/gi;

function maskAuthScheme(text: string): string {
  return text.replace(AUTH_SCHEME, (whole, scheme: string, space: string, cred: string) => {
    if (scheme.toLowerCase() === 'basic' && !Buffer.from(cred, 'base64').toString('latin1').includes(':')) return whole;
    return `${scheme}${space}${MASK}`;
  });
}

/**
 * Masks credentials inside a string value: JWTs/JWEs (by their JOSE header) and `Bearer`/`Basic`
 * credentials, wherever they appear in it. Linear in the string's length (no backtracking regex
 * over long runs).
 */
export function maskValue(text: string): string {
  const jose = text.includes('.') ? text.replace(/[A-Za-z0-9_.-]+/g, maskJoseRun) : text;
  return /bearer|basic/i.test(jose) ? maskAuthScheme(jose) : jose;
}

function maskTree(value: unknown, depth: number, byKey: boolean): unknown {
  if (typeof value === 'string') return maskValue(value);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any accepted argument: hidden whole rather than logged unexamined.
  if (depth > 64) return MASK;
  if (Array.isArray(value)) return value.map((v) => maskTree(v, depth + 1, byKey));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = byKey && isSecretKey(k) ? MASK : maskTree(v, depth + 1, byKey);
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
    const copy = maskTree(args, 0, byKey) as Record<string, unknown>;
    for (const p of paths) maskPath(copy, p);
    return copy;
  };
}

// Caller authentication against the registry: HTTP Basic (id + secret) or a bearer API key. Every
// comparison is constant time; an unknown id costs the same as a wrong secret.
import type { CallerConfig } from '../config/types.js';
import type { Registry } from '../config/registry.js';
import { digestMatches, hashSecret, secretDigest, secretMatches } from './secrets.js';

export type CallerAuthResult =
  | { ok: true; caller: CallerConfig }
  | {
    ok: false;
    code: 'missing_credentials' | 'malformed_credentials' | 'invalid_credentials';
    /** The registered caller a failed HTTP Basic attempt named; absent for API keys and unknown ids. */
    callerId?: string;
  };

// Compared against when the id is unknown, so timing does not reveal which ids exist.
const DECOY_HASHES = [hashSecret('decoy-secret-never-valid')];

function formDecode(s: string): string | undefined {
  // Nothing to decode (the common case): skip the regex and decodeURIComponent.
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function basic(registry: Registry, encoded: string): CallerAuthResult {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return { ok: false, code: 'malformed_credentials' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { ok: false, code: 'malformed_credentials' };
  const rawId = decoded.slice(0, colon);
  const rawSecret = decoded.slice(colon + 1);
  // RFC 6749 §2.3.1 clients form-encode id and secret; plain RFC 7617 clients do not. Accept both.
  const id = registry.callers.has(rawId) ? rawId : (formDecode(rawId) ?? rawId);
  const caller = registry.callers.get(id);
  const hashes = caller?.secret_hashes ?? DECOY_HASHES;
  let matched = secretMatches(rawSecret, hashes);
  // Both forms are always compared when they differ, so timing does not tell which one matched.
  const decodedSecret = formDecode(rawSecret);
  if (decodedSecret !== undefined && decodedSecret !== rawSecret && secretMatches(decodedSecret, hashes)) matched = true;
  if (caller === undefined) return { ok: false, code: 'invalid_credentials' };
  return matched ? { ok: true, caller } : { ok: false, code: 'invalid_credentials', callerId: caller.id };
}

function apiKey(registry: Registry, key: string): CallerAuthResult {
  let found: CallerConfig | undefined;
  // The key is hashed once, whatever the number of callers: a long key costs one hash, not one per caller.
  const presented = secretDigest(key);
  // No early exit: every caller's hashes are compared, whatever matches.
  for (const caller of registry.callers.values()) {
    if (digestMatches(presented, caller.secret_hashes) && found === undefined) found = caller;
  }
  return found !== undefined ? { ok: true, caller: found } : { ok: false, code: 'invalid_credentials' };
}

/** Authenticates an `Authorization` header value. */
export function authenticateCaller(registry: Registry, authorization: string | undefined): CallerAuthResult {
  if (authorization === undefined || authorization.trim() === '') return { ok: false, code: 'missing_credentials' };
  const match = /^([A-Za-z]+) +(\S+) *$/.exec(authorization);
  if (match === null) return { ok: false, code: 'malformed_credentials' };
  const scheme = match[1]!.toLowerCase();
  if (scheme === 'basic') return basic(registry, match[2]!);
  if (scheme === 'bearer') return apiKey(registry, match[2]!);
  return { ok: false, code: 'malformed_credentials' };
}

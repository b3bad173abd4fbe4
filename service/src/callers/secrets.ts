// Caller secrets: generation, SHA-256 hashing for storage, and constant-time comparison.
// SHA-256 rather than a slow KDF: secrets are high-entropy and checked on every request.
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

const HASH_PREFIX = 'sha256:';

/** A new high-entropy caller secret (256 bits, base64url: contains none of `:,|`). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a secret: `sha256:<hex>`. */
export function hashSecret(secret: string): string {
  return HASH_PREFIX + createHash('sha256').update(secret, 'utf8').digest('hex');
}

function digestOf(stored: string): Buffer {
  return Buffer.from(stored.slice(HASH_PREFIX.length), 'hex');
}

// Decoded once per stored list (configuration objects live as long as the registry), not per request.
const decoded = new WeakMap<readonly string[], Buffer[]>();

function digestsOf(storedHashes: readonly string[]): Buffer[] {
  let digests = decoded.get(storedHashes);
  if (digests === undefined) {
    digests = storedHashes.map(digestOf);
    decoded.set(storedHashes, digests);
  }
  return digests;
}

/**
 * Whether `secret` matches one of the stored hashes. Every hash is compared, in constant time,
 * so neither the position of a match nor a near miss shows in the timing.
 */
export function secretMatches(secret: string, storedHashes: readonly string[]): boolean {
  return digestMatches(secretDigest(secret), storedHashes);
}

/** The SHA-256 of a presented secret, computed once when it is compared against many callers. */
export function secretDigest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** `secretMatches` for a digest from `secretDigest`. */
export function digestMatches(presented: Buffer, storedHashes: readonly string[]): boolean {
  let matched = false;
  for (const expected of digestsOf(storedHashes)) {
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) matched = true;
  }
  return matched;
}

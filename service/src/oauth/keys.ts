// Signing keys of the built-in authorization server, kept in the shared store so every replica signs
// with the same key. The newest key signs; a retired key stays published until every token it
// signed has expired. Cookie secrets live beside them (oidc-provider cookies and CSRF tokens).
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SharedStore } from '../store/index.js';

export type SigningAlg = 'RS256' | 'PS256' | 'ES256';

interface StoredKey {
  kid: string;
  alg: SigningAlg;
  jwk: JWK;
  created_at: number;
  /** When a newer key took over signing (ms). */
  retired_at?: number;
}

interface StoredRing {
  keys: StoredKey[];
  cookie_secrets: string[];
}

/** What the provider and the JWKS endpoint need, at one moment. */
export interface KeyRing {
  /** Changes whenever the set of keys changes. */
  version: string;
  /** The private JWK that signs (kid, alg, use set). */
  signing: JWK;
  /** Public JWKs of every key whose tokens may still be live, signing key first. */
  published: JWK[];
  /** Newest first: oidc-provider signs cookies with the first and accepts all. */
  cookieSecrets: string[];
}

export interface KeyManagerOptions {
  store: SharedStore;
  alg: SigningAlg;
  rotationSeconds: number;
  /** How long a retired key must stay published: the longest lifetime of a token it signs. */
  retainSeconds: number;
  now?: () => number;
}

export interface KeyManager {
  /** Loads the ring, creating or rotating keys when due (one replica does it; the others wait). */
  load(): Promise<KeyRing>;
}

const KEY = 'oauth:keys';
const LOCK = 'oauth:keys:lock';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

async function newKey(alg: SigningAlg, now: number): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'ES256' ? {} : { modulusLength: 2048 }) });
  const kid = randomUUID();
  return { kid, alg, jwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }, created_at: now };
}

function publicJwk(jwk: JWK): JWK {
  const out: JWK = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete out[m];
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createKeyManager(options: KeyManagerOptions): KeyManager {
  const { store } = options;
  const now = options.now ?? Date.now;
  const rotationMs = options.rotationSeconds * 1000;
  const retainMs = options.retainSeconds * 1000;
  // The stored ring outlives a full rotation plus the retention of the key it retires.
  const ringTtlMs = rotationMs + retainMs + 86_400_000;

  const read = async (): Promise<StoredRing | undefined> => {
    const raw = await store.get(KEY);
    return raw === undefined ? undefined : (JSON.parse(raw) as StoredRing);
  };

  const due = (ring: StoredRing | undefined): boolean => {
    if (ring === undefined || ring.keys.length === 0) return true;
    const active = ring.keys[0]!;
    return active.alg !== options.alg || now() - active.created_at >= rotationMs;
  };

  async function next(ring: StoredRing | undefined): Promise<StoredRing> {
    const t = now();
    const retired = (ring?.keys ?? []).map((key) => ({ ...key, retired_at: key.retired_at ?? t }));
    const kept = retired.filter((key) => t - key.retired_at < retainMs);
    return {
      keys: [await newKey(options.alg, t), ...kept],
      cookie_secrets: [randomBytes(32).toString('base64url'), ...(ring?.cookie_secrets ?? [])].slice(0, 3),
    };
  }

  function toKeyRing(ring: StoredRing): KeyRing {
    const t = now();
    const live = ring.keys.filter((key, i) => i === 0 || key.retired_at === undefined || t - key.retired_at < retainMs);
    return {
      version: live.map((key) => key.kid).join(','),
      signing: ring.keys[0]!.jwk,
      published: live.map((key) => publicJwk(key.jwk)),
      cookieSecrets: ring.cookie_secrets,
    };
  }

  return {
    async load() {
      for (let attempt = 0; attempt < 50; attempt++) {
        const ring = await read();
        if (!due(ring)) {
          await store.expire(KEY, ringTtlMs);
          return toKeyRing(ring!);
        }
        // One replica rotates; the lock expires by itself if that replica dies half way.
        if ((await store.incr(LOCK, 10_000)) === 1) {
          try {
            const fresh = await read();
            if (!due(fresh)) return toKeyRing(fresh!);
            const rotated = await next(fresh);
            await store.set(KEY, JSON.stringify(rotated), ringTtlMs);
            return toKeyRing(rotated);
          } finally {
            await store.del(LOCK);
          }
        }
        await delay(100);
      }
      throw new Error('signing keys: another replica holds the rotation lock for too long');
    },
  };
}

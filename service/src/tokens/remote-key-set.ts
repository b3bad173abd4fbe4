// A remote JWK set with the two behaviours key rotation needs: an unknown `kid` triggers a refetch
// (at most once per cooldown), and the last good set keeps serving while the endpoint is down,
// until it is older than the configured maximum staleness.
import { createLocalJWKSet, errors, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { fetchJson, type FetchLike } from './fetch-json.js';
import { TokenError } from './errors.js';

/** Finds the verification key for a token's protected header (jose's key-function shape). */
export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<VerificationKey>;
export type VerificationKey = CryptoKey;

export type KeySetState = 'fresh' | 'stale' | 'unavailable' | 'not_loaded';

/** What readiness and operators see about one issuer's keys. */
export interface KeySetStatus {
  source: 'jwks_uri' | 'discovery' | 'static';
  state: KeySetState;
  keys: number;
  fetched_at?: string;
  last_error?: string;
}

/** How a remote key set is kept fresh and fetched (also what an issuer's key source is given). */
export interface KeySetRefreshOptions {
  cacheMaxAgeMs: number;
  cooldownMs: number;
  maxStalenessMs: number;
  timeoutMs: number;
  fetch?: FetchLike;
  now?: () => number;
}

export interface RemoteKeySetOptions extends KeySetRefreshOptions {
  /** Resolves the JWKS URL (constant, or from discovery). */
  resolveUri: () => Promise<string>;
  source: 'jwks_uri' | 'discovery';
  onFetch?: (ok: boolean, error?: string) => void;
}

export class RemoteKeySet {
  readonly #opts: RemoteKeySetOptions;
  readonly #now: () => number;
  #resolver?: KeyResolver;
  #keyCount = 0;
  #fetchedAt = 0;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #lastError?: string;
  #pending?: Promise<void>;

  constructor(options: RemoteKeySetOptions) {
    this.#opts = options;
    this.#now = options.now ?? Date.now;
  }

  /** Key lookup for the JWT verifier (jose's key-function shape). */
  getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> => {
    if (this.#resolver === undefined || this.#age() > this.#opts.cacheMaxAgeMs) await this.#refreshIfAllowed();
    const resolver = this.#usable();
    try {
      return await resolver(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.#cooldownOver()) throw err;
      // An unknown kid usually means the issuer rotated its keys: look again, once.
      await this.#refreshIfAllowed();
      return this.#usable()(header, token);
    }
  };

  /** Loads the key set now (start-up warm-up); failures are recorded, not thrown. */
  async warm(): Promise<void> {
    await this.#refreshIfAllowed();
  }

  status(): KeySetStatus {
    let state: KeySetState = 'not_loaded';
    if (this.#resolver !== undefined) {
      const age = this.#age();
      if (age <= this.#opts.cacheMaxAgeMs) state = 'fresh';
      else state = age <= this.#opts.maxStalenessMs ? 'stale' : 'unavailable';
    } else if (this.#lastError !== undefined) state = 'unavailable';
    return {
      source: this.#opts.source,
      state,
      keys: this.#keyCount,
      ...(this.#resolver !== undefined ? { fetched_at: new Date(this.#fetchedAt).toISOString() } : {}),
      ...(this.#lastError !== undefined ? { last_error: this.#lastError } : {}),
    };
  }

  #age(): number {
    return this.#now() - this.#fetchedAt;
  }

  #cooldownOver(): boolean {
    return this.#now() - this.#lastAttempt >= this.#opts.cooldownMs;
  }

  #usable(): KeyResolver {
    if (this.#resolver === undefined || this.#age() > this.#opts.maxStalenessMs) {
      throw new TokenError('keys_unavailable', `signing keys unavailable${this.#lastError ? `: ${this.#lastError}` : ''}`);
    }
    return this.#resolver;
  }

  async #refreshIfAllowed(): Promise<void> {
    if (this.#pending !== undefined) return this.#pending;
    // A failing endpoint is retried at most once per cooldown, so an outage costs one timeout, not one per request.
    if (!this.#cooldownOver()) return;
    this.#pending = this.#refresh().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #refresh(): Promise<void> {
    this.#lastAttempt = this.#now();
    try {
      const uri = await this.#opts.resolveUri();
      const doc = await fetchJson(uri, { timeoutMs: this.#opts.timeoutMs }, this.#opts.fetch);
      const resolver = createLocalJWKSet(doc as unknown as JSONWebKeySet);
      this.#resolver = resolver;
      this.#keyCount = Array.isArray(doc.keys) ? doc.keys.length : 0;
      this.#fetchedAt = this.#now();
      this.#lastError = undefined;
      this.#opts.onFetch?.(true);
    } catch (err) {
      this.#lastError = (err as Error).message;
      this.#opts.onFetch?.(false, this.#lastError);
    }
  }
}

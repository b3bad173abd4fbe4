// oidc-provider's storage adapter over the shared store (Redis across replicas, memory for one
// process). Entries carry their expiry; grant members are indexed so a whole grant can be revoked.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SharedStore } from '../store/index.js';

export interface StoreAdapterOptions {
  store: SharedStore;
  /** Lifetime of entries oidc-provider saves without one (dynamically registered clients). */
  defaultTtlSeconds: number;
  /** Called, and awaited, when oidc-provider revokes every token of a grant. */
  onGrantRevoked?: (grantId: string) => Promise<void>;
  now?: () => number;
}

interface Stored {
  p: AdapterPayload;
  /** Expiry in ms since the epoch. */
  e: number;
}

const k = {
  entry: (model: string, id: string) => `oauth:m:${model}:${id}`,
  consumed: (model: string, id: string) => `oauth:consumed:${model}:${id}`,
  grant: (grantId: string) => `oauth:grant:${grantId}`,
  uid: (uid: string) => `oauth:uid:${uid}`,
  userCode: (code: string) => `oauth:usercode:${code}`,
};

/** Returns the adapter class oidc-provider instantiates once per model name. */
export function createStoreAdapter(options: StoreAdapterOptions): new (name: string) => Adapter {
  const { store } = options;
  const now = options.now ?? Date.now;

  return class StoreAdapter implements Adapter {
    readonly #model: string;

    constructor(name: string) {
      this.#model = name;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const ttlMs = (expiresIn !== undefined && expiresIn > 0 ? expiresIn : options.defaultTtlSeconds) * 1000;
      const expiresAt = now() + ttlMs;
      const key = k.entry(this.#model, id);
      await store.set(key, JSON.stringify({ p: payload, e: expiresAt } satisfies Stored), ttlMs);
      if (typeof payload.grantId === 'string') {
        await store.zadd(k.grant(payload.grantId), expiresAt, key);
        await store.expire(k.grant(payload.grantId), ttlMs);
      }
      if (typeof payload.uid === 'string') await store.set(k.uid(payload.uid), id, ttlMs);
      if (typeof payload.userCode === 'string') await store.set(k.userCode(payload.userCode), id, ttlMs);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const [raw, consumed] = await Promise.all([
        store.get(k.entry(this.#model, id)),
        store.get(k.consumed(this.#model, id)),
      ]);
      if (raw === undefined) return undefined;
      const { p } = JSON.parse(raw) as Stored;
      return consumed === undefined ? p : { ...p, consumed: Number(consumed) };
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await store.get(k.uid(uid));
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await store.get(k.userCode(userCode));
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id: string): Promise<void> {
      // A separate marker, so consuming never rewrites (and races with) the entry itself.
      const raw = await store.get(k.entry(this.#model, id));
      const ttlMs = raw === undefined ? options.defaultTtlSeconds * 1000 : Math.max(1, (JSON.parse(raw) as Stored).e - now());
      await store.set(k.consumed(this.#model, id), String(Math.floor(now() / 1000)), ttlMs);
    }

    async destroy(id: string): Promise<void> {
      await Promise.all([store.del(k.entry(this.#model, id)), store.del(k.consumed(this.#model, id))]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // oidc-provider asks each model in turn; the grant's index covers them all, so answer once.
      if (this.#model !== 'AccessToken') return;
      const members = await store.zrangeByScore(k.grant(grantId), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      await Promise.all(members.map(({ member }) => store.del(member)));
      await store.del(k.grant(grantId));
      await options.onGrantRevoked?.(grantId);
    }
  };
}

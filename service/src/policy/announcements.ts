// Per-replica policy announcements in the shared store, and the order that decides which revision wins.
import type { SharedStore } from '../store/index.js';

/** What one replica serves; it lives only as long as that replica refreshes it. */
export interface Announcement {
  replica: string;
  revision: string;
  gitCommit?: string;
  /**
   * Position in the cluster's order: the time (ms) the revision was loaded from a policy source,
   * raised above every rank the loading replica knew, so a later load wins even across clock skew.
   */
  rank: number;
}

/** Higher rank wins; equal ranks fall back to the revision so every replica picks the same one. */
export function outranks(a: Announcement, b: Pick<Announcement, 'rank' | 'revision'> | undefined): boolean {
  if (b === undefined) return true;
  return a.rank > b.rank || (a.rank === b.rank && a.revision > b.revision);
}

export function parseAnnouncement(text: string): Announcement | undefined {
  try {
    const a = JSON.parse(text) as Partial<Announcement>;
    const ok = typeof a.revision === 'string' && typeof a.replica === 'string' && typeof a.rank === 'number' && Number.isFinite(a.rank);
    return ok && (a.gitCommit === undefined || typeof a.gitCommit === 'string') ? (a as Announcement) : undefined;
  } catch {
    return undefined;
  }
}

export interface AnnouncementBoard {
  /** Writes this replica's announcement; it expires unless written again within the TTL. */
  put(a: Announcement): Promise<void>;
  /** Announcements of the other replicas that are alive. */
  live(): Promise<Announcement[]>;
  /** Removes this replica's announcement (a clean stop). */
  withdraw(): Promise<void>;
}

export interface AnnouncementBoardOptions {
  store: SharedStore;
  ns: string;
  replicaId: string;
  ttlMs: number;
  now?: () => number;
}

/** Index entries outlive their keys by this much so a skewed clock never hides a live replica. */
const INDEX_GRACE_MS = 10 * 60 * 1000;
const INDEX_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Each replica's announcement is its own key with a TTL (the store expires it, so a replica that
 * dies takes its announcement with it); a sorted set indexes the replica ids for listing.
 */
export function createAnnouncementBoard(options: AnnouncementBoardOptions): AnnouncementBoard {
  const { store, ns, replicaId, ttlMs } = options;
  const now = options.now ?? Date.now;
  const index = `${ns}:replicas`;
  const keyOf = (id: string): string => `${ns}:replica:${id}`;
  return {
    async put(a) {
      await store.set(keyOf(replicaId), JSON.stringify(a), ttlMs);
      await store.zadd(index, now() + ttlMs, replicaId);
      await store.expire(index, INDEX_TTL_MS);
    },
    async live() {
      const t = now();
      await store.zremRangeByScore(index, 0, t - INDEX_GRACE_MS);
      const ids = (await store.zrangeByScore(index, t - INDEX_GRACE_MS, Number.MAX_SAFE_INTEGER)).map((m) => m.member).filter((id) => id !== replicaId);
      const texts = await Promise.all(ids.map((id) => store.get(keyOf(id))));
      return texts.flatMap((text) => {
        const a = text === undefined ? undefined : parseAnnouncement(text);
        return a ? [a] : [];
      });
    },
    async withdraw() {
      // The index entry goes with the grace period; without its key it names no live replica.
      await store.del(keyOf(replicaId));
    },
  };
}

// Revocations stored in the shared store with the token's expiry and mirrored in-process.
import { silentLogger, noopMetrics, type Logger, type MetricsHooks } from '../hooks/index.js';
import type { RevocationChecker } from '../decisions/index.js';
import { hashToken } from '../decisions/index.js';
import type { SharedStore } from '../store/index.js';
import { unverifiedJwtExp } from './jwt-exp.js';

export interface RevocationListOptions {
  store: SharedStore;
  /**
   * How long a revocation by token lasts when the token's expiry is not verified (opaque tokens,
   * JWTs that do not verify now), and the most an unverified `exp` may ask for; seconds. The runtime
   * sets the longest token lifetime an issuer may mint. Default 24 h.
   */
  defaultTtlSeconds?: number;
  /** Seconds a token of `issuer` can be accepted from now: the longest a jti revocation needs. Default: defaultTtlSeconds. */
  lifetimeOf?: (issuer: string) => number;
  /** Full resync from the store, a safety net for missed pub/sub messages. Default 30 s. */
  resyncIntervalMs?: number;
  metrics?: MetricsHooks;
  logger?: Logger;
  now?: () => number;
}

/** Whether the store accepted the revocation; it applies in this process either way. */
export interface RevokeResult {
  persisted: boolean;
  expiresAt: number;
}

/** What a revocation by token covers besides the token's own spelling (from the token validator). */
export interface TokenRevocationScope {
  /** Hash of the token's canonical (low-S) spelling, when that differs from the token. */
  canonicalHash?: string;
  /** A token that verified: its (iss, jti) is revoked too, and everything lasts until `until` (seconds). */
  verified?: { iss: string; jti?: string; until: number };
}

export interface RevocationList extends RevocationChecker {
  /** Subscribes to changes and loads the stored list; never rejects. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Revokes a token by its hash (and its canonical spelling's), and by its verified (iss, jti) when
   * `scope` has one, so that no other spelling of it is accepted. The expiry is the verified one;
   * otherwise the token's unverified `exp`, bounded by the default expiry.
   */
  revokeToken(token: string, scope?: TokenRevocationScope): Promise<RevokeResult>;
  revokeTokenHash(tokenHash: string, expSeconds?: number): Promise<RevokeResult>;
  /** Without `expSeconds`, lasts until jtiHorizon(issuer). */
  revokeJti(issuer: string, jti: string, expSeconds?: number): Promise<RevokeResult>;
  /** Epoch seconds after which no token of `issuer` minted until now can be accepted. */
  jtiHorizon(issuer: string): number;
  /** Pushes unpersisted revocations and reloads the stored list; false when the store failed. */
  resync(): Promise<boolean>;
  /** Entries in the mirror that have not expired. */
  size(): number;
}

const KEY = 'revocations';
const CHANNEL = 'revocations';

const tokenMember = (hash: string): string => `t:${hash}`;
const jtiMember = (issuer: string, jti: string): string => `j:${JSON.stringify([issuer, jti])}`;

export function createRevocationList(options: RevocationListOptions): RevocationList {
  const { store } = options;
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? noopMetrics;
  const logger = options.logger ?? silentLogger;
  const defaultTtlMs = (options.defaultTtlSeconds ?? 86_400) * 1000;
  const mirror = new Map<string, number>();
  const pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let offHealth: (() => void) | undefined;

  function remember(member: string, expiresAt: number): void {
    if (expiresAt <= now()) return;
    mirror.set(member, Math.max(mirror.get(member) ?? 0, expiresAt));
  }

  function has(member: string): boolean {
    const exp = mirror.get(member);
    if (exp === undefined) return false;
    if (exp > now()) return true;
    mirror.delete(member);
    return false;
  }

  async function persist(member: string, expiresAt: number): Promise<void> {
    await store.zadd(KEY, expiresAt, member);
    await store.expire(KEY, expiresAt - now());
    await store.publish(CHANNEL, JSON.stringify({ m: member, e: expiresAt }));
  }

  // Every member applies here at once, before any of them is stored.
  async function revoke(members: readonly string[], expSeconds: number | undefined): Promise<RevokeResult> {
    const expiresAt = expSeconds !== undefined ? expSeconds * 1000 : now() + defaultTtlMs;
    for (const member of members) remember(member, expiresAt);
    metrics.set('mcp_authz_revocations', mirror.size);
    let persisted = true;
    for (const member of members) {
      try {
        await persist(member, expiresAt);
      } catch (e) {
        persisted = false;
        pending.set(member, expiresAt);
        logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'revocation not yet stored; applied locally and retried on resync');
      }
    }
    return { persisted, expiresAt };
  }

  function horizon(issuer: string): number {
    return Math.ceil(now() / 1000 + (options.lifetimeOf?.(issuer) ?? defaultTtlMs / 1000));
  }

  // An unverified exp is what the token says: it may shorten the default expiry, never lengthen it.
  function unverifiedExpiry(token: string): number {
    const limit = (now() + defaultTtlMs) / 1000;
    const exp = unverifiedJwtExp(token);
    return exp !== undefined && exp < limit ? exp : limit;
  }

  async function resync(): Promise<boolean> {
    try {
      for (const [member, exp] of pending) {
        if (exp > now()) await persist(member, exp);
        pending.delete(member);
      }
      const t = now();
      await store.zremRangeByScore(KEY, Number.NEGATIVE_INFINITY, t);
      for (const { member, score } of await store.zrangeByScore(KEY, t, Number.POSITIVE_INFINITY)) remember(member, score);
      for (const [member, exp] of mirror) if (exp <= t) mirror.delete(member);
      metrics.set('mcp_authz_revocations', mirror.size);
      return true;
    } catch (e) {
      metrics.increment('mcp_authz_store_errors_total', { operation: 'revocation_resync' });
      logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'revocation resync failed; the mirrored list stays in force');
      return false;
    }
  }

  function onMessage(message: string): void {
    try {
      const { m, e } = JSON.parse(message) as { m: unknown; e: unknown };
      if (typeof m === 'string' && typeof e === 'number') remember(m, e);
    } catch {
      // A malformed message is ignored; the periodic resync repairs any gap.
    }
  }

  return {
    isTokenRevoked: (tokenHash) => has(tokenMember(tokenHash)),
    isJtiRevoked: (issuer, jti) => has(jtiMember(issuer, jti)),
    async start() {
      try {
        unsubscribe = await store.subscribe(CHANNEL, onMessage);
      } catch (e) {
        logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'revocation subscription failed; relying on resync');
      }
      offHealth = store.onHealthChange((healthy) => {
        if (healthy) void resync();
      });
      await resync();
      timer = setInterval(() => void resync(), options.resyncIntervalMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      offHealth?.();
      await unsubscribe?.().catch(() => undefined);
    },
    revokeToken(token, scope = {}) {
      const members = [tokenMember(hashToken(token))];
      if (scope.canonicalHash !== undefined) members.push(tokenMember(scope.canonicalHash));
      const { verified } = scope;
      if (verified?.jti !== undefined) members.push(jtiMember(verified.iss, verified.jti));
      return revoke(members, verified !== undefined ? verified.until : unverifiedExpiry(token));
    },
    revokeTokenHash: (tokenHash, expSeconds) => revoke([tokenMember(tokenHash)], expSeconds),
    revokeJti: (issuer, jti, expSeconds) => revoke([jtiMember(issuer, jti)], expSeconds ?? horizon(issuer)),
    jtiHorizon: horizon,
    resync,
    size() {
      const t = now();
      let n = 0;
      for (const exp of mirror.values()) if (exp > t) n++;
      return n;
    },
  };
}

// Access tokens are self-contained JWTs, so revoking a grant must tell the service's revocation list
// every live `jti` of that grant. The jtis are recorded per grant as tokens are minted.
import type { SharedStore } from '../store/index.js';
import type { AuditLog } from './audit.js';

/** The part of the service's revocation list the authorization server uses. */
export interface JtiRevoker {
  revokeJti(issuer: string, jti: string, expSeconds?: number): Promise<unknown>;
}

export interface GrantTokens {
  /** Remembers a minted access token of a grant until it expires. */
  record(grantId: string, jti: string, expSeconds: number): Promise<void>;
  /** Revokes every live access token of the grant; returns how many. */
  revokeGrant(grantId: string, reason: string): Promise<number>;
}

export interface GrantTokensOptions {
  store: SharedStore;
  issuer: string;
  revocations: JtiRevoker;
  audit: AuditLog;
  now?: () => number;
}

const key = (grantId: string): string => `oauth:grant-jtis:${grantId}`;

export function createGrantTokens(options: GrantTokensOptions): GrantTokens {
  const { store } = options;
  const now = options.now ?? Date.now;
  return {
    async record(grantId, jti, expSeconds) {
      const ttlMs = expSeconds * 1000 - now();
      if (ttlMs <= 0) return;
      await store.zadd(key(grantId), expSeconds, jti);
      await store.expire(key(grantId), ttlMs);
    },
    async revokeGrant(grantId, reason) {
      const live = await store.zrangeByScore(key(grantId), now() / 1000, Number.POSITIVE_INFINITY);
      await Promise.all(live.map(({ member, score }) => options.revocations.revokeJti(options.issuer, member, score)));
      await store.del(key(grantId));
      options.audit('grant.revoked', { grant_id: grantId, reason, access_tokens: live.length });
      return live.length;
    },
  };
}

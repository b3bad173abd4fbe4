// POST /v1/revocations (admin callers): revoke a token, or an (iss, jti) pair. The revocation applies
// in this process at once and reaches other replicas through the shared store.
import { hashToken } from '../../decisions/index.js';
import { callerOf } from '../request-state.js';
import type { RouteModule } from '../route-types.js';

type RevocationBody =
  | { token: string; reason?: string }
  | { iss: string; jti: string; exp?: number; reason?: string };

export const revocationRoutes: RouteModule = (deps) => {
  const decisions = deps.decisions;
  if (decisions === undefined) return [];
  return [
    {
      method: 'post',
      path: '/v1/revocations',
      access: 'admin',
      handler: async (req, res) => {
        const body = req.body as RevocationBody;
        const caller = callerOf(res).id;
        let answer: Record<string, unknown>;
        if ('token' in body) {
          const r = await decisions.revocations.revokeToken(body.token);
          const tokenSha256 = hashToken(body.token);
          answer = { revoked: true, token_sha256: tokenSha256, expires_at: Math.floor(r.expiresAt / 1000), persisted: r.persisted };
          deps.logger.info({ caller, token_sha256: tokenSha256, reason: body.reason, persisted: r.persisted }, 'token revoked');
        } else {
          const r = await decisions.revocations.revokeJti(body.iss, body.jti, body.exp);
          answer = { revoked: true, iss: body.iss, jti: body.jti, expires_at: Math.floor(r.expiresAt / 1000), persisted: r.persisted };
          deps.logger.info({ caller, iss: body.iss, jti: body.jti, reason: body.reason, persisted: r.persisted }, 'token revoked');
        }
        res.set('cache-control', 'no-store').json(answer);
      },
    },
  ];
};

// POST /v1/revocations (admin callers): revoke a token, or an (iss, jti) pair. The revocation applies
// in this process at once and reaches other replicas through the shared store. A token is revoked in
// every spelling: its canonical (low-S) form too, and its verified (iss, jti) until it expires.
import { HttpProblem } from '../problems.js';
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
          const facts = await deps.tokens.revocationFacts(body.token);
          const r = await decisions.revocations.revokeToken(body.token, facts);
          const jti = facts.verified?.jti !== undefined ? { iss: facts.verified.iss, jti: facts.verified.jti } : {};
          answer = { revoked: true, token_sha256: facts.tokenHash, ...jti, expires_at: Math.floor(r.expiresAt / 1000), persisted: r.persisted };
          deps.logger.info({ caller, token_sha256: facts.tokenHash, ...jti, reason: body.reason, persisted: r.persisted }, 'token revoked');
        } else {
          // A revocation need not outlive every token it can name; a later exp is most likely a unit
          // mistake (milliseconds), and would keep an entry for years.
          const horizon = decisions.revocations.jtiHorizon(body.iss);
          if (body.exp !== undefined && body.exp > horizon) {
            throw new HttpProblem('revocation_exp_too_far', `exp is after ${horizon}: no token of this issuer can be accepted that late (issuers[].max_token_lifetime)`);
          }
          const r = await decisions.revocations.revokeJti(body.iss, body.jti, body.exp);
          answer = { revoked: true, iss: body.iss, jti: body.jti, expires_at: Math.floor(r.expiresAt / 1000), persisted: r.persisted };
          deps.logger.info({ caller, iss: body.iss, jti: body.jti, reason: body.reason, persisted: r.persisted }, 'token revoked');
        }
        res.set('cache-control', 'no-store').json(answer);
      },
    },
  ];
};

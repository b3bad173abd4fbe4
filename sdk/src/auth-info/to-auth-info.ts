// Turns a decision's subject or an introspection answer into the MCP SDK's AuthInfo.
import type { AuthInfo } from './auth-info.js';
import type { Decision, DecisionSubject, IntrospectionResponse, TokenCheck } from '../client/types.js';

/**
 * Builds the MCP SDK's `AuthInfo` from a decision, so tool handlers see `extra.authInfo`
 * without a second round trip. `extra` holds `sub`, `issuer`, any other subject members, and the
 * decision's id and policy revision.
 *
 * @param token - the bearer token the decision was about
 * @param decision - a decision on a valid token (it carries `subject`)
 * @param resource - this MCP server's canonical resource URI, if known
 */
export function decisionToAuthInfo(token: string, decision: Decision, resource?: URL): AuthInfo {
  return subjectToAuthInfo(token, decision.subject, resource, { decisionId: decision.decision_id, policyRevision: decision.policy_revision });
}

/**
 * Builds the MCP SDK's `AuthInfo` from a valid token check: `extra` holds `sub`, `issuer` and any
 * other subject members.
 *
 * @param token - the checked token
 * @param check - an answer with `valid: true`
 * @param resource - this MCP server's canonical resource URI, if known
 */
export function tokenCheckToAuthInfo(token: string, check: TokenCheck, resource?: URL): AuthInfo {
  return subjectToAuthInfo(token, check.subject, resource, {});
}

function subjectToAuthInfo(token: string, given: DecisionSubject | undefined, resource: URL | undefined, more: Record<string, unknown>): AuthInfo {
  // The contract's subject may grow members (e.g. claims); they all reach `extra`.
  const subject: Partial<DecisionSubject> & Record<string, unknown> = given ?? {};
  const { sub, client_id: clientId, scopes, exp, issuer, ...rest } = subject;
  return {
    token,
    clientId: typeof clientId === 'string' ? clientId : '',
    scopes: Array.isArray(scopes) ? scopes : [],
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
    ...(resource === undefined ? {} : { resource }),
    extra: { ...rest, sub, issuer, ...more },
  };
}

/**
 * Builds the MCP SDK's `AuthInfo` from an active RFC 7662 introspection answer.
 * `resource` is the first audience that is an absolute URL; every other claim lands in `extra`.
 *
 * @param token - the introspected token
 * @param answer - an answer with `active: true`
 */
export function introspectionToAuthInfo(token: string, answer: IntrospectionResponse): AuthInfo {
  const { active: _active, scope, client_id: clientId, exp, aud, ...claims } = answer;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const resource = firstUrl(audiences);
  return {
    token,
    clientId: typeof clientId === 'string' ? clientId : '',
    scopes: typeof scope === 'string' && scope.length > 0 ? scope.split(' ') : [],
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
    ...(resource === undefined ? {} : { resource }),
    extra: { ...claims, aud: audiences },
  };
}

function firstUrl(values: string[]): URL | undefined {
  for (const value of values) {
    if (URL.canParse(value)) return new URL(value);
  }
  return undefined;
}

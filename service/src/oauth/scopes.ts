// Which scopes the built-in authorization server may put in a token: those it offers, limited by the
// client's registered `scope` and, when a user is behind the grant, by the scopes of that user.
import type { OAuthConfig } from '../config/oauth.js';
import type { OAuthUser } from './users.js';

export interface ScopeSubjects {
  /** The client's `scope` metadata (space-delimited); absent means no client limit. */
  clientScope?: string;
  /** The grant's user; `null` when the grant has a user who no longer exists; absent when there is no user. */
  user?: OAuthUser | null;
}

/** The offered scopes that the client and the user (if any) are both allowed, in offered order. */
export function grantableScopes(oauth: Pick<OAuthConfig, 'scopes' | 'default_user_scopes'>, subjects: ScopeSubjects): string[] {
  const client = subjects.clientScope === undefined ? undefined : new Set(subjects.clientScope.split(' '));
  const { user } = subjects;
  // A user-bound grant whose user is gone may grant nothing.
  const userAllowed = user === undefined ? undefined : new Set(user === null ? [] : user.scopes ?? oauth.default_user_scopes);
  return oauth.scopes.filter((s) => (client === undefined || client.has(s)) && (userAllowed === undefined || userAllowed.has(s)));
}

// How long a token of an issuer can still be accepted from now: its max_token_lifetime plus the
// clock tolerance. A revocation that lasts this long outlives every token it may name.
import { DEFAULTS, type IssuerConfig } from '../config/index.js';

export interface TokenLifetimes {
  /** Seconds an issuer's token can be accepted from now; an unconfigured issuer gets `longest`. */
  of(issuer: string): number;
  /** The largest of them, and never less than the default lifetime (opaque tokens have no bound of their own). */
  longest: number;
}

type LifetimeFields = Pick<IssuerConfig, 'issuer' | 'max_token_lifetime' | 'clock_tolerance'>;

export function tokenLifetimes(issuers: readonly LifetimeFields[]): TokenLifetimes {
  const bounds = new Map(issuers.map((i) => [i.issuer, i.max_token_lifetime + i.clock_tolerance]));
  const longest = Math.max(DEFAULTS.issuer.max_token_lifetime + DEFAULTS.issuer.clock_tolerance, ...bounds.values());
  return { of: (issuer) => bounds.get(issuer) ?? longest, longest };
}

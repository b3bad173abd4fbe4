// The result of a successful validation, and how it is read out of a claims set.
import type { IssuerConfig } from '../config/types.js';

/** A token that passed every issuer-level check (signature or introspection, time, type). */
export interface ValidatedToken {
  kind: 'jwt' | 'opaque';
  /** The configured issuer identifier that vouched for the token. */
  issuer: string;
  /** Every claim of the token (for opaque tokens: the introspection answer without `active`). */
  claims: Readonly<Record<string, unknown>>;
  sub?: string;
  clientId?: string;
  scopes: string[];
  audiences: string[];
  exp?: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  /** Hex SHA-256 of the token: the only form in which a token is ever stored or compared. */
  tokenHash: string;
  /**
   * Hex SHA-256 of the token's canonical (low-S) spelling, when that differs from the token as
   * received: revocations are looked up under both.
   */
  canonicalHash?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Scopes from the first configured claim present: a space-delimited string or an array. */
export function scopesFrom(claims: Record<string, unknown>, names: readonly string[]): string[] {
  for (const name of names) {
    const v = claims[name];
    if (typeof v === 'string') return v.split(' ').filter((s) => s !== '');
    if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '');
  }
  return [];
}

export function audiencesFrom(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** Builds a ValidatedToken from an already verified claims set. */
export function toValidatedToken(kind: ValidatedToken['kind'], issuer: IssuerConfig, claims: Record<string, unknown>, tokenHash: string): ValidatedToken {
  let clientId: string | undefined;
  for (const name of issuer.client_id_claims) {
    clientId = str(claims[name]);
    if (clientId !== undefined) break;
  }
  return {
    kind,
    issuer: issuer.issuer,
    claims,
    sub: str(claims.sub),
    clientId,
    scopes: scopesFrom(claims, issuer.scope_claims),
    audiences: audiencesFrom(claims.aud),
    exp: num(claims.exp),
    iat: num(claims.iat),
    nbf: num(claims.nbf),
    jti: str(claims.jti),
    tokenHash,
  };
}

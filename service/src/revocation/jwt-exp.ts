// Reads `exp` from a JWT without verifying it: only to bound how long a revocation is kept.

/** The JWT's `exp` (seconds) when the token is a JWS with a numeric exp, else undefined. */
export function unverifiedJwtExp(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

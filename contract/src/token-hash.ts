// The one way a token is referred to outside its request: SHA-256, hex encoded.
import { hash } from 'node:crypto';

/** SHA-256 of the token text; cache keys, revocations and logs use this, never the token. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

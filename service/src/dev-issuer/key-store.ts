// The development issuer's key: one Ed25519 key pair kept in `.mcp-authz/dev-issuer/` under the
// working directory, made on first use. It signs tokens for trying things; it is never a production key.
import { AuthzServiceError } from '../errors/index.js';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The development issuer's `iss`. The `.invalid` top-level domain (RFC 6761) can never be a real issuer. */
export const DEV_ISSUER = 'https://dev-issuer.mcp-authz.invalid';

/** Where the key lives, relative to the working directory. */
export const DEV_ISSUER_DIR = join('.mcp-authz', 'dev-issuer');

const KEY_FILE = 'private-key.json';

/** The development signing key and its public JWK. */
export interface DevKey {
  /** Folder of the key file. */
  dir: string;
  kid: string;
  privateKey: KeyObject;
  /** The public key as a JWK with `kid`, `alg` and `use`, ready for a static JWKS. */
  publicJwk: JWK;
}

/** A key file that exists but is not a development key. */
export class DevKeyError extends AuthzServiceError<'ERR_DEV_KEY'> {
  readonly code = 'ERR_DEV_KEY';
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}; delete the folder to make a new development key`);
    this.name = 'DevKeyError';
  }
}

interface StoredKey {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
}

function isStoredKey(value: unknown): value is StoredKey {
  const v = value as Partial<StoredKey> | null;
  return typeof v === 'object' && v !== null && v.kty === 'OKP' && v.crv === 'Ed25519'
    && typeof v.x === 'string' && typeof v.d === 'string';
}

async function readStoredKey(file: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DevKeyError(file, 'is not JSON');
  }
  if (!isStoredKey(parsed)) throw new DevKeyError(file, 'is not an Ed25519 private JWK');
  return parsed;
}

/**
 * Loads the development key of `cwd`, making it (and a `.gitignore` that keeps the folder out of
 * git) on first use. Concurrent first uses agree on one key: the file is created exclusively.
 *
 * @param cwd - the working directory whose `.mcp-authz/dev-issuer/` holds the key
 */
export async function loadDevKey(cwd: string = process.cwd()): Promise<DevKey> {
  const root = join(cwd, '.mcp-authz');
  const dir = join(cwd, DEV_ISSUER_DIR);
  const file = join(dir, KEY_FILE);
  let stored = await readStoredKey(file);
  if (stored === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(root, '.gitignore'), '# Development keys: never commit them.\n*\n', { flag: 'w' });
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const fresh = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d } as StoredKey;
    try {
      await writeFile(file, `${JSON.stringify(fresh)}\n`, { flag: 'wx', mode: 0o600 });
      stored = fresh;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      stored = await readStoredKey(file);
      if (stored === undefined) throw new DevKeyError(file, 'vanished while being read');
    }
  }
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: stored.x });
  const privateKey = createPrivateKey({ key: { ...stored }, format: 'jwk' });
  return { dir, kid, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: stored.x, kid, alg: 'EdDSA', use: 'sig' } };
}

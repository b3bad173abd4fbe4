// Bundle signatures as OPA defines them: `.signatures.json` holds one compact JWS whose payload lists
// every file of the bundle with its digest; verified with keys from the configuration, made by `build`.
import { createPrivateKey, createPublicKey, timingSafeEqual } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { BundleError } from './errors.js';
import { fileDigest } from './structured-hash.js';
import type { TarEntry } from './tar-gz.js';

export const SIGNATURES_FILE = '.signatures.json';

/** Algorithms a bundle key may use (asymmetric only: a verifier never holds a signing secret). */
export const BUNDLE_SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type BundleSigningAlgorithm = (typeof BUNDLE_SIGNING_ALGORITHMS)[number];

export interface BundleVerificationKey {
  id: string;
  algorithm: BundleSigningAlgorithm;
  /** Public key (SPKI or PKCS#1) or certificate, PEM. */
  key: string;
  /** When set, the signature's `scope` claim must equal it (OPA's key scope). */
  scope?: string;
}

export interface BundleVerification {
  /** Refuse bundles without `.signatures.json`. */
  required: boolean;
  /** With no keys, signatures are not checked (and `required` cannot be set: configuration refuses it). */
  keys: readonly BundleVerificationKey[];
}

interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

const invalid = (message: string): BundleError => new BundleError('bundle_signature_invalid', message, SIGNATURES_FILE);

function parseSignatures(entry: TarEntry): string {
  let doc: unknown;
  try {
    doc = JSON.parse(entry.data.toString('utf8'));
  } catch {
    throw invalid('is not JSON');
  }
  const list = (doc as { signatures?: unknown } | null)?.signatures;
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'string') throw invalid('must hold exactly one signature in "signatures"');
  return list[0];
}

function parseFiles(payload: Record<string, unknown>): Map<string, SignedFile> {
  if (!Array.isArray(payload.files)) throw invalid('the signed payload has no "files" list');
  const files = new Map<string, SignedFile>();
  for (const f of payload.files as unknown[]) {
    const x = f as Partial<SignedFile> | null;
    if (typeof x?.name !== 'string' || typeof x.hash !== 'string' || typeof x.algorithm !== 'string' || !/^[0-9a-f]+$/i.test(x.hash)) {
      throw invalid('a "files" entry needs string name, hex hash and algorithm');
    }
    files.set(x.name.replace(/^\/+/, ''), x as SignedFile);
  }
  return files;
}

/**
 * Checks the bundle's signature and that the signed file list matches the bundle exactly.
 * Returns whether the bundle was signed (and verified). Throws BundleError when refused.
 */
export async function verifyBundle(entries: readonly TarEntry[], verification: BundleVerification): Promise<boolean> {
  const sigEntry = entries.find((e) => e.name === SIGNATURES_FILE);
  if (sigEntry === undefined) {
    if (verification.required) throw new BundleError('bundle_unsigned', 'the bundle is not signed and policies.bundle.signing.required is set');
    return false;
  }
  if (verification.keys.length === 0) return false;
  const token = parseSignatures(sigEntry);
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claimed: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
    claimed = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('the signature is not a compact JWS with a JSON payload');
  }
  // OPA names the key in the header (`kid`) or, formerly, in the payload (`keyid`).
  const keyId = typeof header.kid === 'string' ? header.kid : typeof claimed.keyid === 'string' ? claimed.keyid : undefined;
  const key = keyId !== undefined ? verification.keys.find((k) => k.id === keyId) : verification.keys.length === 1 ? verification.keys[0] : undefined;
  if (key === undefined) throw invalid(keyId !== undefined ? `signed with key "${keyId}", which is not configured` : 'the signature names no key and several are configured');
  // The configured algorithm, never the token's, decides how the key is used.
  if (header.alg !== key.algorithm) throw invalid(`signed with ${String(header.alg)}, but key "${key.id}" is ${key.algorithm}`);
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, createPublicKey(key.key), { algorithms: [key.algorithm] });
    payload = JSON.parse(Buffer.from(verified.payload).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid(`the signature does not verify with key "${key.id}"`);
  }
  if ((payload.scope ?? '') !== (key.scope ?? '')) throw invalid(`scope "${String(payload.scope ?? '')}" does not match key "${key.id}"`);
  const files = parseFiles(payload);
  for (const e of entries) {
    if (e.name === SIGNATURES_FILE) continue;
    const signed = files.get(e.name);
    if (signed === undefined) throw new BundleError('bundle_signature_invalid', 'is not included in the bundle signature', e.name);
    let digest: string;
    try {
      digest = fileDigest(e.name, e.data, signed.algorithm);
    } catch (err) {
      throw new BundleError('bundle_signature_invalid', (err as Error).message, e.name);
    }
    const want = Buffer.from(signed.hash.toLowerCase(), 'hex');
    const got = Buffer.from(digest, 'hex');
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new BundleError('bundle_signature_invalid', 'digest does not match the bundle signature', e.name);
    files.delete(e.name);
  }
  if (files.size > 0) throw invalid(`signs files the bundle does not hold: ${[...files.keys()].join(', ')}`);
  return true;
}

export interface BundleSigningOptions {
  /** Private key (PKCS#8, PKCS#1 or SEC1), PEM. */
  privateKey: string;
  algorithm: BundleSigningAlgorithm;
  keyId?: string;
  scope?: string;
}

/** The `.signatures.json` content for the given files (SHA-256 digests, as `opa build` makes them). */
export async function signBundle(entries: readonly TarEntry[], options: BundleSigningOptions): Promise<Buffer> {
  const files = entries
    .filter((e) => e.name !== SIGNATURES_FILE)
    .map((e) => ({ name: e.name, hash: fileDigest(e.name, e.data, 'SHA-256'), algorithm: 'SHA-256' }));
  const payload: Record<string, unknown> = { files };
  if (options.keyId !== undefined) payload.keyid = options.keyId;
  if (options.scope !== undefined) payload.scope = options.scope;
  const key = createPrivateKey(options.privateKey);
  const token = await new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: options.algorithm, ...(options.keyId !== undefined ? { kid: options.keyId } : {}) })
    .sign(key);
  return Buffer.from(`${JSON.stringify({ signatures: [token] })}\n`);
}

// Where an issuer's verification keys come from: a jwks_uri, discovery metadata, or static JWK/PEM.
import { createLocalJWKSet, exportJWK, importSPKI, importX509, type JWK, type JSONWebKeySet } from 'jose';
import type { IssuerConfig } from '../config/types.js';
import { discoverIssuer, type IssuerMetadata } from './discovery.js';
import { RemoteKeySet, type KeyResolver, type KeySetRefreshOptions, type KeySetStatus } from './remote-key-set.js';

export interface IssuerKeys {
  getKey: KeyResolver;
  status(): KeySetStatus;
  warm(): Promise<void>;
}

export interface IssuerKeysOptions extends KeySetRefreshOptions {
  onFetch?: (source: 'jwks' | 'discovery', ok: boolean, error?: string) => void;
}

/** Discovery metadata fetched once and kept; a failure is retried at the next need. */
export function createMetadataSource(issuer: IssuerConfig, options: Pick<IssuerKeysOptions, 'timeoutMs' | 'fetch' | 'onFetch'>): () => Promise<IssuerMetadata> {
  let metadata: Promise<IssuerMetadata> | undefined;
  return () => {
    metadata ??= discoverIssuer(issuer.issuer, { explicitUrl: issuer.discovery_url, timeoutMs: options.timeoutMs, fetch: options.fetch }).then(
      (doc) => {
        options.onFetch?.('discovery', true);
        return doc;
      },
      (err: Error) => {
        metadata = undefined;
        options.onFetch?.('discovery', false, err.message);
        throw err;
      },
    );
    return metadata;
  };
}

async function staticKeySet(issuer: IssuerConfig): Promise<JSONWebKeySet> {
  const keys: JWK[] = [...((issuer.jwks?.keys ?? []) as JWK[])];
  for (const entry of issuer.pem_keys ?? []) {
    const key = entry.pem.includes('BEGIN CERTIFICATE')
      ? await importX509(entry.pem, entry.alg, { extractable: true })
      : await importSPKI(entry.pem, entry.alg, { extractable: true });
    const jwk = await exportJWK(key);
    keys.push({ ...jwk, alg: entry.alg, ...(entry.kid !== undefined ? { kid: entry.kid } : {}) });
  }
  return { keys };
}

function createStaticKeys(issuer: IssuerConfig): IssuerKeys {
  let resolver: Promise<KeyResolver> | undefined;
  let count = 0;
  let error: string | undefined;
  const load = (): Promise<KeyResolver> =>
    (resolver ??= staticKeySet(issuer).then((set) => {
      count = set.keys.length;
      return createLocalJWKSet(set);
    }).catch((err: Error) => {
      error = err.message;
      throw err;
    }));
  return {
    getKey: async (header, token) => (await load())(header, token),
    status: () => ({ source: 'static', state: error !== undefined ? 'unavailable' : 'fresh', keys: count, ...(error ? { last_error: error } : {}) }),
    warm: async () => {
      await load().catch(() => undefined);
    },
  };
}

/** The key source an issuer's configuration asks for. */
export function createIssuerKeys(issuer: IssuerConfig, metadata: () => Promise<IssuerMetadata>, options: IssuerKeysOptions): IssuerKeys {
  if (issuer.jwks !== undefined || issuer.pem_keys !== undefined) return createStaticKeys(issuer);
  const fromUri = issuer.jwks_uri;
  const { onFetch, ...refresh } = options;
  const set = new RemoteKeySet({
    ...refresh,
    source: fromUri !== undefined ? 'jwks_uri' : 'discovery',
    resolveUri: fromUri !== undefined
      ? () => Promise.resolve(fromUri)
      : async () => {
        const doc = await metadata();
        if (typeof doc.jwks_uri !== 'string') throw new Error(`metadata of ${issuer.issuer} has no jwks_uri`);
        return doc.jwks_uri;
      },
    onFetch: (ok, error) => onFetch?.('jwks', ok, error),
  });
  return { getKey: set.getKey, status: () => set.status(), warm: () => set.warm() };
}

// A real identity provider for tests: signing keys, a JWKS endpoint that can rotate or go down,
// discovery documents (OIDC or RFC 8414) and an RFC 7662 introspection endpoint, on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { lowSSpelling } from '../../service/src/tokens/index.js';

export type TestAlg = 'RS256' | 'ES256' | 'EdDSA';

export interface SigningKey {
  kid: string;
  alg: TestAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface IdentityProviderOptions {
  alg?: TestAlg;
  /** Which discovery document to publish. */
  discovery?: 'oidc' | 'oauth' | 'none';
  /** Issuer path after the origin, e.g. `/tenant-1` (RFC 8414 path issuers). */
  path?: string;
  /** Enables /introspect with these client credentials. */
  introspectionClient?: { id: string; secret: string };
}

export interface IdentityProvider {
  issuer: string;
  origin: string;
  jwksUri: string;
  introspectionEndpoint: string;
  alg: TestAlg;
  /** Requests per path, so tests can count fetches. */
  hits: Map<string, number>;
  down: boolean;
  /** Opaque tokens this provider answers `active:true` for, with their claims. */
  opaqueTokens: Map<string, Record<string, unknown>>;
  keys: SigningKey[];
  addKey(alg?: TestAlg): Promise<SigningKey>;
  removeKey(kid: string): void;
  sign(claims?: JWTPayload, options?: { kid?: string; key?: SigningKey; header?: Record<string, unknown>; omitExp?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function createSigningKey(alg: TestAlg, kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startIdentityProvider(options: IdentityProviderOptions = {}): Promise<IdentityProvider> {
  const alg = options.alg ?? 'RS256';
  const path = options.path ?? '';
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', idp.origin);
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    if (idp.down) {
      send(res, 503, { error: 'down' });
      return;
    }
    const metadata = { issuer: idp.issuer, jwks_uri: idp.jwksUri, introspection_endpoint: idp.introspectionEndpoint };
    if (url.pathname === `${path}/jwks`) send(res, 200, { keys: idp.keys.map((k) => k.publicJwk) });
    else if (options.discovery === 'oidc' && url.pathname === `${path}/.well-known/openid-configuration`) send(res, 200, metadata);
    else if (options.discovery === 'oauth' && url.pathname === `/.well-known/oauth-authorization-server${path}`) send(res, 200, metadata);
    else if (options.introspectionClient !== undefined && url.pathname === `${path}/introspect` && req.method === 'POST') {
      const client = options.introspectionClient;
      const expected = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
      void readBody(req).then((body) => {
        if (req.headers.authorization !== expected) {
          send(res, 401, { error: 'invalid_client' });
          return;
        }
        const token = new URLSearchParams(body).get('token') ?? '';
        const claims = idp.opaqueTokens.get(token);
        send(res, 200, claims === undefined ? { active: false } : { active: true, ...claims });
      });
    } else send(res, 404, { error: 'not_found' });
  });
  const idp: IdentityProvider = {
    issuer: '', origin: '', jwksUri: '', introspectionEndpoint: '', alg,
    hits, down: false, opaqueTokens: new Map(), keys: [],
    async addKey(keyAlg = alg) {
      const key = await createSigningKey(keyAlg);
      idp.keys.push(key);
      return key;
    },
    removeKey(kid) {
      idp.keys = idp.keys.filter((k) => k.kid !== kid);
    },
    async sign(claims = {}, signOptions = {}) {
      const key = signOptions.key ?? (signOptions.kid === undefined ? idp.keys[idp.keys.length - 1]! : idp.keys.find((k) => k.kid === signOptions.kid)!);
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: idp.issuer, iat: now, jti: randomUUID(), ...(signOptions.omitExp ? {} : { exp: now + 3600 }), ...claims };
      // WebCrypto leaves ECDSA's S as it comes; the service takes only the low-S spelling by default.
      return lowSSpelling(await new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...signOptions.header }).sign(key.privateKey));
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  idp.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp.issuer = `${idp.origin}${path}`;
  idp.jwksUri = `${idp.issuer}/jwks`;
  idp.introspectionEndpoint = `${idp.issuer}/introspect`;
  await idp.addKey();
  return idp;
}

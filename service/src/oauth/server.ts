// The built-in authorization server as one express handler: our JWKS (every live key), rate limits,
// the login/consent pages, then oidc-provider for its own paths. Everything else falls through.
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { builtInIssuer } from '../config/oauth.js';
import type { Registry } from '../config/registry.js';
import type { AuthzConfig } from '../config/types.js';
import type { SharedStore } from '../store/index.js';
import { createStoreAdapter } from './adapter.js';
import { createAuditLog, type AuditLog } from './audit.js';
import { createGrantTokens, type JtiRevoker } from './grant-tokens.js';
import { createInteractionRouter } from './interactions.js';
import { createKeyManager, type KeyRing } from './keys.js';
import { createProvider, OAUTH_ROUTES } from './provider.js';
import { createLoginBackoff, createRateLimiter } from './rate-limits.js';
import { createFileUserStore, createSharedUserStore, type UserStore } from './users.js';
import type { FetchLike } from '../tokens/fetch-json.js';

export interface OAuthServerOptions {
  config: AuthzConfig;
  registry: Registry;
  store: SharedStore;
  revocations: JtiRevoker;
  logger: Logger;
  /** Replaces the configured user store (tests). */
  users?: UserStore;
  now?: () => number;
  /** Outgoing fetch for client ID metadata documents (the service's injectable fetch). */
  fetch?: FetchLike;
}

export interface OAuthServer {
  issuer: string;
  /** Mount at the root of the service's express app. */
  handler: RequestHandler;
  /** Loads the signing keys (a failure is logged and retried) and starts their rotation checks. */
  start(): Promise<void>;
  /** For /readyz (never critical: decisions do not depend on it). */
  status(): { status: 'ok' | 'down'; [key: string]: unknown };
  close(): Promise<void>;
}

const KEY_CHECK_MS = 60_000;

const PROVIDER_PREFIXES = [OAUTH_ROUTES.authorization, OAUTH_ROUTES.registration];
const PROVIDER_PATHS = new Set<string>([
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
  OAUTH_ROUTES.token,
  OAUTH_ROUTES.revocation,
  ...PROVIDER_PREFIXES,
]);

function isProviderPath(path: string): boolean {
  return PROVIDER_PATHS.has(path) || PROVIDER_PREFIXES.some((p) => path.startsWith(`${p}/`));
}

function oauthError(res: Response, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  res.status(status).set({ 'cache-control': 'no-store', ...headers }).json({ error, error_description: description });
}

/**
 * RFC 7009 for our JWT access tokens, which oidc-provider refuses to revoke (it cannot find a
 * self-contained token): the authenticated client may revoke its own token by jti.
 */
function revokeJwtAccessTokens(issuer: string, ring: () => KeyRing, revocations: JtiRevoker, audit: AuditLog) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    if (ctx.oidc?.route !== 'revocation') return;
    const client = ctx.oidc.client;
    if (client === undefined) return;
    const body = ctx.body as { error?: string } | undefined;
    if (ctx.status === 200) {
      audit('token.revoked', { client_id: client.clientId, token_type_hint: ctx.oidc.params?.token_type_hint });
      return;
    }
    if (ctx.status !== 400 || body?.error !== 'unsupported_token_type') return;
    const token = String(ctx.oidc.params?.token ?? '');
    // Per RFC 7009 an unknown or foreign token is answered 200 as well: nothing to revoke.
    ctx.status = 200;
    ctx.body = '';
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: ring().published }), { issuer, typ: 'at+jwt' });
      if (payload.client_id !== client.clientId || typeof payload.jti !== 'string') return;
      await revocations.revokeJti(issuer, payload.jti, payload.exp);
      audit('token.revoked', { client_id: client.clientId, token_type: 'access_token', jti: payload.jti });
    } catch {
      // Not ours, expired, or tampered with: nothing is live to revoke.
    }
  };
}

export function createOAuthServer(options: OAuthServerOptions): OAuthServer {
  const { config, store, logger } = options;
  const oauth = config.oauth;
  const issuer = builtInIssuer(config);
  const now = options.now ?? Date.now;
  const audit = createAuditLog(logger);
  const onStoreError = (err: unknown): void => logger.warn({ component: 'oauth', err: (err as Error)?.message }, 'oauth store operation failed; allowing the request');
  const users = options.users ?? (oauth.users.source === 'redis' ? createSharedUserStore(store) : createFileUserStore(oauth.users.file));
  const limiter = createRateLimiter(store, onStoreError, now);
  const backoff = createLoginBackoff({
    store,
    baseSeconds: oauth.login_backoff.base_seconds,
    maxSeconds: oauth.login_backoff.max_seconds,
    windowSeconds: oauth.login_backoff.window_seconds,
    onError: onStoreError,
    now,
  });
  const grantTokens = createGrantTokens({ store, issuer, revocations: options.revocations, audit, now });
  const resources = new Set([...options.registry.servers.values()].flatMap((s) => options.registry.audiencesOf(s)));
  const keyManager = createKeyManager({
    store,
    alg: oauth.signing_alg,
    rotationSeconds: oauth.keys.rotation_seconds,
    // Keys sign access and ID tokens only (both live access_token_seconds); five minutes of slack.
    retainSeconds: oauth.ttl.access_token_seconds + 300,
    now,
  });
  const adapter = createStoreAdapter({
    store,
    defaultTtlSeconds: oauth.registration.client_ttl_seconds,
    now,
    onGrantRevoked: async (grantId) => {
      const route = Provider.ctx?.oidc?.route;
      await grantTokens.revokeGrant(grantId, route === 'revocation' ? 'revocation' : route === 'token' ? 'token_reuse' : (route ?? 'unknown'));
    },
  });

  let ring: KeyRing | undefined;
  let provider: Provider | undefined;
  let timer: NodeJS.Timeout | undefined;

  const build = (keys: KeyRing): void => {
    const next = createProvider({
      issuer, oauth, resources: () => resources, keys, adapter, users, grantTokens, audit,
      trustProxy: config.http.trust_proxy !== false,
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    });
    next.use(revokeJwtAccessTokens(issuer, () => ring!, options.revocations, audit));
    ring = keys;
    provider = next;
  };

  const refresh = async (): Promise<void> => {
    const keys = await keyManager.load();
    if (keys.version !== ring?.version) {
      build(keys);
      logger.info({ component: 'oauth', kid: keys.signing.kid, published: keys.published.length }, 'oauth signing keys loaded');
    }
  };

  // Keys come from the store, which may be unreachable at first: the first request retries.
  let loading: Promise<void> | undefined;
  const ensure = (): Promise<void> => (provider !== undefined ? Promise.resolve() : (loading ??= refresh().finally(() => {
    loading = undefined;
  })));

  const router = Router();
  router.use(async (_req, res, next) => {
    try {
      await ensure();
      next();
    } catch {
      oauthError(res, 503, 'temporarily_unavailable', 'the authorization server is starting or its store is unreachable', { 'retry-after': '5' });
    }
  });
  router.get(OAUTH_ROUTES.jwks, (_req, res) => {
    res.set('cache-control', 'public, max-age=60').type('application/jwk-set+json').send(JSON.stringify({ keys: ring!.published }));
  });
  const limit = (bucket: 'token' | 'registration') => async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const decision = await limiter.hit(bucket, req.ip ?? 'unknown', oauth.rate_limits[bucket]);
    if (decision.allowed) next();
    else oauthError(res, 429, 'too_many_requests', `too many ${bucket} requests; retry later`, { 'retry-after': String(decision.retryAfter) });
  };
  router.post(OAUTH_ROUTES.token, limit('token'));
  router.post(OAUTH_ROUTES.registration, limit('registration'));
  router.use(createInteractionRouter({
    provider: () => provider!,
    csrfSecret: () => ring!.cookieSecrets[0]!,
    issuerOrigin: new URL(issuer).origin,
    resourceScopes: new Set(oauth.scopes),
    users,
    limiter,
    loginLimit: oauth.rate_limits.login,
    backoff,
    audit,
  }));
  router.use((req, res, next) => {
    if (!isProviderPath(req.path)) {
      next();
      return;
    }
    provider!.callback()(req, res);
  });

  return {
    issuer,
    handler: router,
    async start() {
      await ensure().catch((err: Error) => logger.error({ component: 'oauth', err: err.message }, 'oauth signing keys unavailable; retrying on the next request'));
      timer = setInterval(() => {
        refresh().catch((err: Error) => logger.warn({ component: 'oauth', err: err.message }, 'oauth key refresh failed; keeping the current keys'));
      }, KEY_CHECK_MS);
      timer.unref();
    },
    status: () => (provider === undefined ? { status: 'down', detail: 'signing keys not loaded' } : { status: 'ok', issuer, kid: ring!.signing.kid, published_keys: ring!.published.length }),
    async close() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}

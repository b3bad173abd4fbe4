// The mcp-authz API client: decisions, batches and introspection with coalescing and a short local cache.
import { canonicalJson, hashToken } from '@mcp-authz/contract';
import { decisionCacheKey } from './cache-key.js';
import { createHttpTransport } from './http-transport.js';
import { parseBatch, parseDecision, parseIntrospection, parseTokenCheck } from './parse-answers.js';
import { TtlCache } from './ttl-cache.js';
import type { BatchDecisionRequest, Decision, DecisionRequest, IntrospectionResponse, TokenCheck } from './types.js';

/** Local decision cache settings. */
export interface AuthzCacheOptions {
  /**
   * Longest time, in seconds, an answer is reused locally (default 5). This is also the longest
   * time a revocation can take to reach this MCP server.
   */
  maxTtlSeconds?: number;
  /** Bound on cached entries (default 10 000). */
  maxEntries?: number;
}

/** Options of {@link createAuthzClient}. */
export interface AuthzClientOptions {
  /** Base URL of the mcp-authz service, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Caller id registered in the service (HTTP Basic with `clientSecret`). */
  clientId?: string;
  /** Caller secret; used with `clientId`. */
  clientSecret?: string;
  /** Alternative to `clientId`/`clientSecret`: sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Deadline of one call, retries included (default 2000 ms). When it passes the call fails with `ERR_AUTHZ_TIMEOUT`. */
  timeoutMs?: number;
  /** Local cache: `false` disables it, `true` or an object enables it (default enabled, 5 s). */
  cache?: boolean | AuthzCacheOptions;
  /** Extra attempts after connection failures before any answer and after 503 (default 2). */
  retries?: number;
  /** Upper bound of the first retry's random delay, doubling per attempt (default 25 ms). */
  retryBaseMs?: number;
}

/** Options of {@link AuthzClient.introspect}. */
export interface IntrospectOptions {
  /** Only accept the token for this server id (one the caller is registered for). */
  server?: string;
  /** RFC 7662 `token_type_hint`. */
  tokenTypeHint?: string;
}

/** A client of the mcp-authz service. Every method fails closed by throwing an {@link AuthzError} subclass. */
export interface AuthzClient {
  /**
   * Asks for one decision. Identical concurrent calls share one request; answers are reused
   * for min(`ttl_seconds`, the configured maximum, the token's remaining life).
   *
   * @param request - token, server id, action and optional context
   */
  decide(request: DecisionRequest): Promise<Decision>;
  /**
   * Asks for many decisions on one token; answers come in the order of `actions`. Cached
   * answers are used and only the missing actions are sent.
   *
   * @param request - token, server id, actions and optional context
   */
  decideBatch(request: BatchDecisionRequest): Promise<Decision[]>;
  /**
   * RFC 7662 introspection of a token, cached like decisions.
   *
   * @param token - the bearer token
   * @param options - `server`: only accept the token for this server id (contract extension);
   *   `tokenTypeHint`: RFC 7662 `token_type_hint`
   */
  introspect(token: string, options?: IntrospectOptions): Promise<IntrospectionResponse>;
  /**
   * Whether a token is valid for one server, and if not, why (`POST /v1/tokens/check`); cached
   * like decisions. Unlike introspection, a refusal names its reason (`expired`, `revoked`, …).
   *
   * @param token - the bearer token
   * @param server - a server id the caller is registered for
   */
  checkToken(token: string, server: string): Promise<TokenCheck>;
  /** Drops cached answers (e.g. after a known revocation). */
  clearCache(): void;
  /** Closes the keep-alive connections. */
  close(): void;
}

const maxBatchSize = 1000;

const defaults = { timeoutMs: 2000, maxTtlSeconds: 5, maxEntries: 10_000, retries: 2, retryBaseMs: 25 };

function callerAuthorization(options: AuthzClientOptions): string {
  if (options.apiKey !== undefined) {
    if (options.clientId !== undefined || options.clientSecret !== undefined) throw new TypeError('createAuthzClient: give apiKey or clientId/clientSecret, not both');
    return `Bearer ${options.apiKey}`;
  }
  if (!options.clientId || !options.clientSecret) throw new TypeError('createAuthzClient: clientId and clientSecret (or apiKey) are required');
  // RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
  const pair = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

function remainingLifeMs(exp: unknown, now: number): number {
  return typeof exp === 'number' ? exp * 1000 - now : Infinity;
}

/**
 * Creates a client of the mcp-authz service.
 *
 * @param options - service URL, caller credentials, timeout and cache settings
 * @throws TypeError when the options are incomplete or contradictory
 */
export function createAuthzClient(options: AuthzClientOptions): AuthzClient {
  let baseUrl: URL;
  try {
    baseUrl = new URL(options.url);
  } catch {
    throw new TypeError('createAuthzClient: url must be an absolute URL');
  }
  const authorization = callerAuthorization(options);
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  if (!(timeoutMs > 0)) throw new TypeError('createAuthzClient: timeoutMs must be positive');
  const cacheOptions = options.cache === false ? undefined : options.cache === true || options.cache === undefined ? {} : options.cache;
  const maxTtlMs = (cacheOptions?.maxTtlSeconds ?? defaults.maxTtlSeconds) * 1000;
  const decisions = cacheOptions ? new TtlCache<Decision>(cacheOptions.maxEntries ?? defaults.maxEntries) : undefined;
  const introspections = cacheOptions ? new TtlCache<IntrospectionResponse>(cacheOptions.maxEntries ?? defaults.maxEntries) : undefined;
  const tokenChecks = cacheOptions ? new TtlCache<TokenCheck>(cacheOptions.maxEntries ?? defaults.maxEntries) : undefined;
  const inFlight = new Map<string, Promise<unknown>>();
  const transport = createHttpTransport({
    baseUrl,
    authorization,
    timeoutMs,
    retries: options.retries ?? defaults.retries,
    retryBaseMs: options.retryBaseMs ?? defaults.retryBaseMs,
  });

  function coalesce<T>(key: string, run: () => Promise<T>): Promise<T> {
    const pending = inFlight.get(key);
    if (pending !== undefined) return pending as Promise<T>;
    const started = run().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  function remember(key: string, decision: Decision): void {
    if (decisions === undefined) return;
    const ttlMs = Math.min((decision.ttl_seconds ?? 0) * 1000, maxTtlMs, remainingLifeMs(decision.subject?.exp, Date.now()));
    decisions.set(key, Object.freeze(decision), ttlMs);
  }

  function decide(request: DecisionRequest): Promise<Decision> {
    const key = decisionCacheKey(hashToken(request.token), request.server, request.action, request.context);
    const hit = decisions?.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    return coalesce(key, async () => {
      const answer = await transport.post('/v1/decisions', JSON.stringify(request), 'application/json');
      const decision = parseDecision(answer.body);
      remember(key, decision);
      return decision;
    });
  }

  async function decideBatch(request: BatchDecisionRequest): Promise<Decision[]> {
    const tokenHash = hashToken(request.token);
    const keys = request.actions.map((action) => decisionCacheKey(tokenHash, request.server, action, request.context));
    const results: (Decision | undefined)[] = keys.map((key) => decisions?.get(key));
    const missing = results.flatMap((result, i) => (result === undefined ? [i] : []));
    if (missing.length > 0) {
      const actions = missing.map((i) => request.actions[i]!);
      const batchKey = `batch\u0000${tokenHash}\u0000${request.server}\u0000${canonicalJson(actions)}\u0000${canonicalJson(request.context ?? null)}`;
      const answered = await coalesce(batchKey, async () => {
        const parsed: Decision[] = [];
        // The contract caps a batch at maxBatchSize actions; longer lists go in several calls.
        for (let start = 0; start < actions.length; start += maxBatchSize) {
          const chunk = actions.slice(start, start + maxBatchSize);
          const body = JSON.stringify({ token: request.token, server: request.server, actions: chunk, context: request.context });
          const answer = await transport.post('/v1/decisions/batch', body, 'application/json');
          parsed.push(...parseBatch(answer.body, chunk.length));
        }
        parsed.forEach((decision, j) => remember(keys[missing[j]!]!, decision));
        return parsed;
      });
      answered.forEach((decision, j) => {
        results[missing[j]!] = decision;
      });
    }
    return results as Decision[];
  }

  function introspect(token: string, introspectOptions: IntrospectOptions = {}): Promise<IntrospectionResponse> {
    const { server, tokenTypeHint } = introspectOptions;
    const key = `introspect\u0000${hashToken(token)}\u0000${server ?? ''}\u0000${tokenTypeHint ?? ''}`;
    const hit = introspections?.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    return coalesce(key, async () => {
      const form = new URLSearchParams({ token });
      if (tokenTypeHint !== undefined) form.set('token_type_hint', tokenTypeHint);
      if (server !== undefined) form.set('server', server);
      const answer = await transport.post('/oauth2/introspect', form.toString(), 'application/x-www-form-urlencoded');
      const result = parseIntrospection(answer.body);
      introspections?.set(key, Object.freeze(result), Math.min(maxTtlMs, result.active ? remainingLifeMs(result.exp, Date.now()) : maxTtlMs));
      return result;
    });
  }

  function checkToken(token: string, server: string): Promise<TokenCheck> {
    const key = `check\u0000${hashToken(token)}\u0000${server}`;
    const hit = tokenChecks?.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    return coalesce(key, async () => {
      const answer = await transport.post('/v1/tokens/check', JSON.stringify({ token, server }), 'application/json');
      const result = parseTokenCheck(answer.body);
      tokenChecks?.set(key, Object.freeze(result), Math.min(maxTtlMs, result.valid ? remainingLifeMs(result.subject?.exp, Date.now()) : maxTtlMs));
      return result;
    });
  }

  return {
    decide,
    decideBatch,
    introspect,
    checkToken,
    clearCache: () => {
      decisions?.clear();
      introspections?.clear();
      tokenChecks?.clear();
    },
    close: () => transport.close(),
  };
}

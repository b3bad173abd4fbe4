// Login and consent: the interaction routes oidc-provider sends the browser to. Each POST checks a
// CSRF token bound to the interaction, the request's origin, rate limits and login backoff.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import type Provider from 'oidc-provider';
import type { AuditLog } from './audit.js';
import { consentPage, loginPage, messagePage, sendPage } from './pages.js';
import { verifyPassword } from './passwords.js';
import type { LoginBackoff, RateLimiter } from './rate-limits.js';
import type { RateWindow } from '../config/oauth.js';
import type { UserStore } from './users.js';

export const INTERACTION_PATH = '/oauth2/interaction';

export interface InteractionDeps {
  provider: () => Provider;
  /** Secret the CSRF tokens are derived from (shared by replicas). */
  csrfSecret: () => string;
  issuerOrigin: string;
  /** `oauth.scopes`: granted per resource only (where the client and user limits apply). */
  resourceScopes: ReadonlySet<string>;
  users: UserStore;
  limiter: RateLimiter;
  loginLimit: RateWindow;
  backoff: LoginBackoff;
  audit: AuditLog;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

interface MissingConsent {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/**
 * What the consent prompt asks for. oidc-provider also reports the resource scopes as missing OpenID
 * scopes (they are registered as scopes so clients may name them); those are never granted outside a
 * resource, where the client and user limits were applied, so they are set apart to be declined.
 */
function consentAsked(details: Details, resourceScopes: ReadonlySet<string>): { oidc: string[]; outsideResource: string[]; byResource: Record<string, string[]>; shown: string[] } {
  const missing = details.prompt.details as MissingConsent;
  const oidc = (missing.missingOIDCScope ?? []).filter((s) => !resourceScopes.has(s));
  const outsideResource = (missing.missingOIDCScope ?? []).filter((s) => resourceScopes.has(s));
  const byResource = missing.missingResourceScopes ?? {};
  return { oidc, outsideResource, byResource, shown: [...new Set([...oidc, ...Object.values(byResource).flat()])] };
}

function csrfToken(secret: string, uid: string): string {
  return createHmac('sha256', secret).update(`csrf:${uid}`).digest('base64url');
}

function csrfValid(secret: string, uid: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const want = Buffer.from(csrfToken(secret, uid));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}

async function clientName(provider: Provider, clientId: unknown): Promise<string> {
  const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
  return client?.clientName ?? (typeof clientId === 'string' ? clientId : 'an application');
}

// The name a user can check before an authorization code is sent there (the client name is the
// client's own claim; the redirect host is where the code really goes).
function redirectHostOf(details: Details): string {
  const uri = details.params.redirect_uri;
  if (typeof uri !== 'string') return 'the application';
  return URL.parse(uri)?.host || uri;
}

function resourcesOf(details: Details): string[] {
  const r = details.params.resource;
  if (Array.isArray(r)) return r.filter((x): x is string => typeof x === 'string');
  return typeof r === 'string' ? [r] : [];
}

export function createInteractionRouter(deps: InteractionDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: 4096, parameterLimit: 10 });

  const load = async (req: Request, res: Response): Promise<Details | undefined> => {
    try {
      const details = await deps.provider().interactionDetails(req, res);
      if (details.uid !== req.params.uid) throw new Error('interaction mismatch');
      return details;
    } catch {
      sendPage(res, 400, messagePage('Sign-in expired', 'This sign-in request is no longer valid. Return to the application and start again.'));
      return undefined;
    }
  };

  // A form post must come from our own pages: same origin (when the browser says) and a valid token.
  const checkPost = (req: Request, res: Response, uid: string): boolean => {
    const origin = req.get('origin');
    if ((origin !== undefined && origin !== 'null' && origin !== deps.issuerOrigin) || !csrfValid(deps.csrfSecret(), uid, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      sendPage(res, 403, messagePage('Request refused', 'The form could not be verified. Go back, reload the page and try again.'));
      return false;
    }
    return true;
  };

  const showLogin = async (res: Response, details: Details, status = 200, extra: { username?: string; error?: string } = {}): Promise<void> => {
    sendPage(res, status, loginPage({
      action: `${INTERACTION_PATH}/${details.uid}/login`,
      csrf: csrfToken(deps.csrfSecret(), details.uid),
      clientName: await clientName(deps.provider(), details.params.client_id),
      ...extra,
    }));
  };

  router.get(`${INTERACTION_PATH}/:uid`, async (req, res) => {
    const details = await load(req, res);
    if (details === undefined) return;
    if (details.prompt.name === 'login') {
      await showLogin(res, details);
      return;
    }
    const scopes = consentAsked(details, deps.resourceScopes).shown;
    sendPage(res, 200, consentPage({
      action: `${INTERACTION_PATH}/${details.uid}/confirm`,
      abortAction: `${INTERACTION_PATH}/${details.uid}/abort`,
      csrf: csrfToken(deps.csrfSecret(), details.uid),
      clientName: await clientName(deps.provider(), details.params.client_id),
      account: details.session?.accountId ?? '',
      scopes,
      resources: resourcesOf(details),
      redirectHost: redirectHostOf(details),
    }));
  });

  router.post(`${INTERACTION_PATH}/:uid/login`, form, async (req, res) => {
    const details = await load(req, res);
    if (details === undefined || !checkPost(req, res, details.uid)) return;
    const body = req.body as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim().slice(0, 128) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const ip = req.ip ?? 'unknown';
    const subjects = [`account:${username.toLowerCase()}`, `ip:${ip}`];

    const limited = await deps.limiter.hit('login', ip, deps.loginLimit);
    const wait = limited.allowed ? await deps.backoff.wait(subjects) : limited.retryAfter;
    if (wait > 0) {
      deps.audit('login.throttled', { client_id: details.params.client_id, client_ip: ip, retry_after: wait });
      res.set('retry-after', String(wait));
      await showLogin(res, details, 429, { username, error: `Too many attempts. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.` });
      return;
    }
    const user = username === '' ? undefined : await deps.users.find(username);
    if (!(await verifyPassword(password, user?.password_hash)) || user === undefined) {
      await deps.backoff.failed(subjects);
      deps.audit('login.failed', { client_id: details.params.client_id, client_ip: ip });
      await showLogin(res, details, 401, { username, error: 'The username or password is not correct.' });
      return;
    }
    await deps.backoff.succeeded([subjects[0]!]);
    deps.audit('login.succeeded', { sub: user.sub, client_id: details.params.client_id, client_ip: ip });
    await deps.provider().interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  });

  router.post(`${INTERACTION_PATH}/:uid/confirm`, form, async (req, res) => {
    const details = await load(req, res);
    if (details === undefined || !checkPost(req, res, details.uid)) return;
    const provider = deps.provider();
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id as string;
    if (details.prompt.name !== 'consent' || accountId === undefined) {
      sendPage(res, 400, messagePage('Nothing to confirm', 'This request does not ask for consent.'));
      return;
    }
    const grant = (details.grantId !== undefined ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as MissingConsent;
    const asked = consentAsked(details, deps.resourceScopes);
    if (asked.oidc.length > 0) grant.addOIDCScope(asked.oidc.join(' '));
    // Declined, not granted: recorded so the prompt does not ask for them again.
    if (asked.outsideResource.length > 0) grant.rejectOIDCScope(asked.outsideResource.join(' '));
    if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(asked.byResource)) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    deps.audit('consent.granted', {
      sub: accountId, client_id: clientId, grant_id: grantId,
      scopes: asked.shown,
      resources: Object.keys(asked.byResource),
    });
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });

  router.post(`${INTERACTION_PATH}/:uid/abort`, form, async (req, res) => {
    const details = await load(req, res);
    if (details === undefined || !checkPost(req, res, details.uid)) return;
    deps.audit('consent.denied', { sub: details.session?.accountId, client_id: details.params.client_id });
    await deps.provider().interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  });

  return router;
}

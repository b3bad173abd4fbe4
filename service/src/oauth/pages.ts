// Server-rendered login, consent and message pages: plain HTML forms (no script), labelled fields,
// errors announced to screen readers, and headers that forbid framing and inline code.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;margin-top:.3rem;font:inherit;border:1px solid #6b7280;border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;border-radius:4px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.error{color:#991b1b;background:#fef2f2;border:1px solid #991b1b;padding:.6rem;border-radius:4px}ul{padding-left:1.2rem}`;

interface Page {
  title: string;
  body: string;
}

/** Sends a page with its security headers; the stylesheet is allowed by a per-response nonce. */
export function sendPage(res: Response, status: number, page: Page): void {
  const nonce = randomBytes(16).toString('base64');
  res.status(status)
    .set('content-type', 'text/html; charset=utf-8')
    .set('cache-control', 'no-store')
    .set('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'`)
    .set('x-frame-options', 'DENY')
    .set('x-content-type-options', 'nosniff')
    .set('referrer-policy', 'no-referrer')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${page.body}</main></body></html>`);
}

function errorBlock(error: string | undefined): string {
  return error === undefined ? '' : `<p class="error" role="alert" id="form-error">${escapeHtml(error)}</p>`;
}

export function loginPage(o: { action: string; csrf: string; clientName: string; username?: string; error?: string }): Page {
  const described = o.error === undefined ? '' : ' aria-describedby="form-error" aria-invalid="true"';
  return {
    title: 'Sign in',
    body: `<h1>Sign in</h1>
<p>Sign in to continue to <strong>${escapeHtml(o.clientName)}</strong>.</p>
${errorBlock(o.error)}
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(o.username ?? '')}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button>
</form>`,
  };
}

export function consentPage(o: { action: string; abortAction: string; csrf: string; clientName: string; account: string; scopes: string[]; resources: string[]; redirectHost: string }): Page {
  const scopes = o.scopes.length === 0 ? '<li>no additional permissions</li>' : o.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const resources = o.resources.map((r) => `<li>${escapeHtml(r)}</li>`).join('');
  return {
    title: 'Allow access',
    body: `<h1>Allow access?</h1>
<p><strong>${escapeHtml(o.clientName)}</strong> asks to act as <strong>${escapeHtml(o.account)}</strong> with these permissions:</p>
<ul aria-label="Requested permissions">${scopes}</ul>
${resources === '' ? '' : `<p>on:</p><ul aria-label="Servers">${resources}</ul>`}
<p>Either way, you will then be sent to <strong>${escapeHtml(o.redirectHost)}</strong>.</p>
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<button type="submit">Allow</button>
</form>
<form method="post" action="${escapeHtml(o.abortAction)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<button type="submit" class="secondary">Deny</button>
</form>`,
  };
}

export function messagePage(title: string, message: string): Page {
  return { title, body: `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>` };
}

// A minimal browser for the login and consent pages: a cookie jar, manual redirects, form parsing.
export interface Form {
  action: string;
  fields: Record<string, string>;
}

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

/** Every <form> of a page with its hidden fields (enough for our server-rendered pages). */
export function formsOf(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)) {
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g)) fields[input[1]!] = input[2]!;
    forms.push({ action: match[1]!.replace(/&#38;/g, '&'), fields });
  }
  return forms;
}

export class Browser {
  readonly #cookies = new Map<string, string>();

  #store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()) || value === '';
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) headers.set('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#store(res);
    return res;
  }

  /**
   * Follows redirects from `url` until a page answers (returned) or a redirect leaves for
   * `stopAt` (the client's redirect URI: its URL is returned instead of being fetched).
   */
  async navigate(url: string, stopAt: string, init: RequestInit = {}): Promise<Page | { redirect: string }> {
    let next = url;
    let request = init;
    for (let hops = 0; hops < 10; hops++) {
      const res = await this.request(next, request);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        const target = new URL(location, next).href;
        await res.body?.cancel();
        if (target.startsWith(stopAt)) return { redirect: target };
        next = target;
        request = {};
        continue;
      }
      return { status: res.status, url: next, html: await res.text(), headers: res.headers };
    }
    throw new Error('too many redirects');
  }

  /** Submits a form of `page` with extra fields. */
  submit(page: Page, form: Form, fields: Record<string, string>, stopAt: string): Promise<Page | { redirect: string }> {
    return this.navigate(new URL(form.action, page.url).href, stopAt, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(page.url).origin },
      body: new URLSearchParams({ ...form.fields, ...fields }).toString(),
    });
  }
}

function isPage(p: Page | { redirect: string }): p is Page {
  return 'html' in p;
}

/** Signs in and consents on the built-in AS, returning the redirect to the client (with the code). */
export async function authorizeInBrowser(browser: Browser, authorizationUrl: string, redirectUri: string, credentials: { username: string; password: string }): Promise<URL> {
  let step = await browser.navigate(authorizationUrl, redirectUri);
  for (let i = 0; i < 4 && isPage(step); i++) {
    const page: Page = step;
    const forms = formsOf(page.html);
    if (page.status !== 200 || forms.length === 0) throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
    const login = forms.find((f) => f.action.endsWith('/login'));
    const confirm = forms.find((f) => f.action.endsWith('/confirm'));
    if (login !== undefined) step = await browser.submit(page, login, { username: credentials.username, password: credentials.password }, redirectUri);
    else if (confirm !== undefined) step = await browser.submit(page, confirm, {}, redirectUri);
    else throw new Error(`no login or consent form at ${page.url}`);
  }
  if (isPage(step)) throw new Error(`authorization did not finish: ${step.status} ${step.html.slice(0, 300)}`);
  return new URL(step.redirect);
}

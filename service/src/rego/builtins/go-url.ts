// Go's net/url.Parse, as uri.parse, uri.is_valid and providers.aws.sign_req see a URL: the same
// split into parts, the same escaping rules and the same error texts.
import { AuthzServiceError } from '../../errors/index.js';
import { goQuote } from './go-text.js';

export interface GoUrl {
  scheme: string;
  opaque: string;
  /** userinfo is parsed for validity only; no builtin exposes it. */
  host: string;
  /** Unescaped path, and the original when its escaping differs from Go's default. */
  path: string;
  rawPath: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}

type Mode = 'path' | 'host' | 'zone' | 'user' | 'query' | 'fragment';

/** The error Go's url.Parse returns: `parse "<url>": <reason>`. */
export class GoUrlError extends AuthzServiceError<'ERR_GO_URL'> {
  readonly code = 'ERR_GO_URL';
}

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** url.shouldEscape for the modes used here. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'user') return c === '@' || c === '/' || c === '?' || c === ':';
    if (mode === 'query') return true;
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && "!()*".includes(c)) return false;
  return true;
}

/** url.unescape on the UTF-8 bytes of `s`; throws the reason Go gives. */
function unescape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, 'utf8');
  const text = bytes.toString('latin1');
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '%') {
      if (!isHex(text[i + 1]) || !isHex(text[i + 2])) throw new Error(`invalid URL escape ${goQuote(latin1ToUtf8(text.slice(i, i + 3)))}`);
      const v = parseInt(text.slice(i + 1, i + 3), 16);
      if (mode === 'host' && parseInt(text[i + 1], 16) < 8 && text.slice(i, i + 3) !== '%25') {
        throw new Error(`invalid URL escape ${goQuote(text.slice(i, i + 3))}`);
      }
      out.push(v);
      i += 3;
    } else {
      const code = text.charCodeAt(i);
      if ((mode === 'host' || mode === 'zone') && code < 0x80 && shouldEscape(c, mode)) {
        throw new Error(`invalid character ${goQuote(c)} in host name`);
      }
      out.push(c === '+' && mode === 'query' ? 0x20 : code);
      i++;
    }
  }
  return Buffer.from(out).toString('utf8');
}

const latin1ToUtf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/** url.escape: percent-encodes every byte that `mode` requires. */
export function goEscape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, mode) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  return /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${goQuote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${goQuote(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(authority: string): string {
  const i = authority.lastIndexOf('@');
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return host;
  const userinfo = authority.slice(0, i);
  if (!USERINFO.test(userinfo)) throw new Error('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), 'user');
  if (colon >= 0) unescape(userinfo.slice(colon + 1), 'user');
  return host;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseWithoutFragment(raw: string, u: GoUrl): void {
  // Go checks bytes < 0x20 and 0x7f.
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f')) throw new Error('net/url: invalid control character in URL');
  if (raw === '*') {
    u.path = '*';
    return;
  }
  let rest: string;
  [u.scheme, rest] = getScheme(raw);
  u.scheme = u.scheme.toLowerCase();
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return;
    }
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    u.host = parseAuthority(authority);
  }
  u.path = unescape(rest, 'path');
  u.rawPath = goEscape(u.path, 'path') === rest ? '' : rest;
}

/** url.Parse; throws GoUrlError with Go's message. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const u: GoUrl = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', forceQuery: false, fragment: '' };
  try {
    parseWithoutFragment(main, u);
  } catch (e) {
    throw new GoUrlError(`parse ${goQuote(main)}: ${(e as Error).message}`);
  }
  if (hash >= 0) {
    try {
      u.fragment = unescape(raw.slice(hash + 1), 'fragment');
    } catch (e) {
      throw new GoUrlError(`parse ${goQuote(raw)}: ${(e as Error).message}`);
    }
  }
  return u;
}

/** url.validEncoded for paths: every byte is allowed as-is, a sub-delim, or a percent sign. */
function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, 'path')) return false;
  }
  return true;
}

/** URL.EscapedPath. */
export function escapedPath(u: GoUrl): string {
  if (u.rawPath !== '' && validEncodedPath(u.rawPath)) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to Go's default escaping
    }
  }
  if (u.path === '*') return '*';
  return goEscape(u.path, 'path');
}

/** URL.Hostname and URL.Port: the host split at a valid trailing port, brackets removed. */
export function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { hostname: host, port };
}

// A unit-level stand-in for the mcp-authz service: speaks the decisions/introspection contract,
// counts requests, and can be told to misbehave. The real service is exercised in test/e2e/.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** A token the stand-in knows. */
export interface FakeToken {
  sub: string;
  scopes: string[];
  roles?: string[];
  /** Server id the token is meant for. */
  server: string;
  exp?: number;
}

/** How the next requests misbehave (consumed one per request). */
export type Fault = 'none' | 'reset' | '503' | '500' | 'hang' | '400' | 'garbage' | '401' | '403-unknown_server' | '403-server_not_allowed';

/** The stand-in's handle. */
export interface FakeAuthzService {
  url: string;
  /** Requests received per path. */
  counts: Map<string, number>;
  /** Parsed request bodies per path, in arrival order. */
  bodies: Map<string, unknown[]>;
  /** Faults applied to the next requests, first first. */
  faults: Fault[];
  /** ttl_seconds answered with every decision. */
  ttlSeconds: number;
  /** Delay before answering, ms. */
  delayMs: number;
  /** Authorization headers seen. */
  callerHeaders: string[];
  count(path: string): number;
  close(): Promise<void>;
}

const toolKinds: Record<string, 'read' | 'write' | 'admin'> = {
  list_directory: 'read', read_file: 'read', write_file: 'write', move_file: 'write', run_backup: 'admin',
};
const readerMethods = new Set(['prompts/get', 'prompts/list', 'resources/read', 'resources/list']);
const allowedPrefixes = ['/workspace/', '/srv/shared/'];

function permitted(kind: string, token: FakeToken): boolean {
  if (kind === 'read') return token.scopes.includes('mcp:read') || (token.roles ?? []).includes('viewer');
  if (kind === 'write') return token.scopes.includes('mcp:write');
  return (token.roles ?? []).includes('admin') && token.scopes.includes('mcp:admin');
}

// A small imitation of policies/mcp/authz.rego for the example server's tools.
function decide(token: FakeToken | undefined, server: string, action: Record<string, unknown>, ttlSeconds: number): Record<string, unknown> {
  const base = { decision_id: randomUUID(), policy_revision: 'fake-1', ttl_seconds: ttlSeconds };
  // The real service's stable token reasons (service/src/tokens/errors.ts).
  const invalidReason = token === undefined ? 'malformed'
    : token.server !== server ? 'audience_mismatch'
      : token.exp !== undefined && token.exp * 1000 < Date.now() ? 'expired' : undefined;
  if (token === undefined || invalidReason !== undefined) {
    return { ...base, outcome: 'invalid_token', allow: false, reasons: [invalidReason ?? 'malformed'], ttl_seconds: 0 };
  }
  const subject = { sub: token.sub, client_id: `${token.sub}-app`, issuer: 'https://issuer.test', scopes: token.scopes, exp: token.exp };
  const method = String(action.method);
  const reasons: string[] = [];
  let requiredScopes: string[] = [];
  if (method === 'tools/call' || method === 'tools/list') {
    const kind = toolKinds[String(action.tool)];
    if (kind === undefined) reasons.push(`tool "${String(action.tool)}" is not offered`);
    else if (!permitted(kind, token)) {
      reasons.push(`tool "${String(action.tool)}" needs ${kind} permission`);
      if (kind === 'admin' && (token.roles ?? []).includes('admin')) requiredScopes = ['mcp:admin'];
    }
    const args = (action.arguments ?? {}) as Record<string, unknown>;
    for (const name of ['path', 'destination']) {
      const path = args[name];
      if (method === 'tools/call' && typeof path === 'string' && !allowedPrefixes.some((prefix) => path.startsWith(prefix))) {
        reasons.push(`path "${path}" is outside the allowed locations`);
      }
    }
  } else if (readerMethods.has(method)) {
    if (!permitted('read', token)) reasons.push('reading prompts and resources needs scope mcp:read or role viewer');
  } else {
    reasons.push(`method "${method}" is not permitted`);
  }
  const allow = reasons.length === 0;
  return { ...base, outcome: allow ? 'allow' : 'deny', allow, reasons: allow ? ['allowed'] : reasons, required_scopes: requiredScopes, subject };
}

/**
 * Starts the stand-in on 127.0.0.1:0.
 *
 * @param tokens - known tokens
 * @param callers - accepted Authorization header values
 */
export async function startFakeAuthzService(tokens: Record<string, FakeToken>, callers: string[]): Promise<FakeAuthzService> {
  const state = {
    counts: new Map<string, number>(),
    bodies: new Map<string, unknown[]>(),
    faults: [] as Fault[],
    ttlSeconds: 30,
    delayMs: 0,
    callerHeaders: [] as string[],
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      state.counts.set(path, (state.counts.get(path) ?? 0) + 1);
      state.callerHeaders.push(req.headers.authorization ?? '');
      const fault = state.faults.shift();
      if (fault === 'reset') return req.socket.destroy();
      if (fault === 'hang') return;
      const send = (status: number, body: unknown, type = 'application/json') =>
        setTimeout(() => res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body)), state.delayMs);
      if (fault === '503' || fault === '500') return send(Number(fault), { type: 'about:blank', title: 'down', status: Number(fault), code: 'unavailable' }, 'application/problem+json');
      if (fault === '400') return send(400, { type: 'urn:mcp-authz:problem:invalid_request', title: 'Bad request', status: 400, code: 'invalid_request', detail: 'action.method is required' }, 'application/problem+json');
      if (fault === 'garbage') return send(200, 'not json');
      if (fault === '401') return send(401, { type: 'x', title: 'Invalid caller credentials', status: 401, code: 'invalid_credentials' }, 'application/problem+json');
      if (fault === '403-unknown_server' || fault === '403-server_not_allowed') {
        const code = fault.slice(4);
        return send(403, { type: 'x', title: code, status: 403, code }, 'application/problem+json');
      }
      if (!callers.includes(req.headers.authorization ?? '')) {
        return send(401, { type: 'x', title: 'Unauthenticated', status: 401, code: 'caller_unauthenticated' }, 'application/problem+json');
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      if (path === '/oauth2/introspect') {
        const form = new URLSearchParams(raw);
        state.bodies.set(path, [...(state.bodies.get(path) ?? []), Object.fromEntries(form)]);
        const token = tokens[form.get('token') ?? ''];
        const server = form.get('server');
        const expired = token?.exp !== undefined && token.exp * 1000 < Date.now();
        if (token === undefined || expired || (server !== null && token.server !== server)) return send(200, { active: false });
        return send(200, {
          active: true, sub: token.sub, client_id: `${token.sub}-app`, scope: token.scopes.join(' '), exp: token.exp,
          aud: `http://resource.test/${token.server}`, iss: 'https://issuer.test', roles: token.roles ?? [],
        });
      }
      const body = JSON.parse(raw) as { token: string; server: string; action?: Record<string, unknown>; actions?: Record<string, unknown>[] };
      state.bodies.set(path, [...(state.bodies.get(path) ?? []), body]);
      if (path === '/v1/tokens/check') {
        const token = tokens[body.token];
        if (token === undefined) return send(200, { valid: false, reason: 'malformed' });
        if (token.exp !== undefined && token.exp * 1000 < Date.now()) return send(200, { valid: false, reason: 'expired' });
        if (token.server !== body.server) return send(200, { valid: false, reason: 'audience_mismatch' });
        return send(200, { valid: true, subject: { sub: token.sub, client_id: `${token.sub}-app`, issuer: 'https://issuer.test', scopes: token.scopes, ...(token.exp !== undefined ? { exp: token.exp } : {}) } });
      }
      if (path === '/v1/decisions') return send(200, decide(tokens[body.token], body.server, body.action ?? {}, state.ttlSeconds));
      if (path === '/v1/decisions/batch') {
        return send(200, { results: (body.actions ?? []).map((action) => decide(tokens[body.token], body.server, action, state.ttlSeconds)) });
      }
      send(404, { type: 'x', title: 'Not found', status: 404, code: 'not_found' }, 'application/problem+json');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    count: (path: string) => state.counts.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

// Test doubles for the decision path: a counting engine, a swappable engine source, a token validator.
import type { EngineDecision, PolicyEngine, PolicyEngineSource, PolicyInput, TokenValidator } from '../../service/src/decisions/index.js';

export interface CountingEngine extends PolicyEngine {
  calls: number;
  inputs: PolicyInput[];
}

export function countingEngine(revision: string, decide: (input: PolicyInput) => EngineDecision): CountingEngine {
  const engine: CountingEngine = {
    revision,
    calls: 0,
    inputs: [],
    evaluate(input) {
      engine.calls++;
      engine.inputs.push(input);
      return decide(input);
    },
    query: () => ({ defined: false, declared: false }),
  };
  return engine;
}

/** Allows tools/call of `read_*` tools; `admin_*` needs scope mcp:admin (answered as required_scopes). */
export function referenceLikeEngine(revision = 'rev-1', ttl?: number): CountingEngine {
  return countingEngine(revision, (input) => {
    const tool = input.action.tool ?? '';
    const base = ttl === undefined ? {} : { ttl_seconds: ttl };
    if (tool.startsWith('read_')) return { allow: true, reasons: [], required_scopes: [], ...base };
    if (tool.startsWith('admin_') && !input.subject.scopes.includes('mcp:admin')) {
      return { allow: false, reasons: ['missing scope mcp:admin'], required_scopes: ['mcp:admin'], ...base };
    }
    return { allow: false, reasons: ['tool not allowed'], required_scopes: [], ...base };
  });
}

export function swappableSource(engine: PolicyEngine | undefined): PolicyEngineSource & { set(e: PolicyEngine): void } {
  let current = engine;
  return { current: () => current, set: (e) => (current = e) };
}

/**
 * Tokens look like `tok:<sub>:<server>[:<jti>]`; any other text is rejected. exp is one hour ahead
 * unless `expSeconds` says otherwise.
 */
export function fakeValidator(expSeconds?: () => number): TokenValidator & { calls: number } {
  const fn = (async (token, server) => {
    fn.calls++;
    const [kind, sub, aud, jti] = token.split(':');
    if (kind !== 'tok' || !sub) return { ok: false, code: 'invalid_token', reason: 'malformed' };
    if (aud !== server.id) return { ok: false, code: 'invalid_audience', reason: 'token is for another server' };
    return {
      ok: true,
      subject: {
        sub,
        client_id: 'client-1',
        issuer: 'https://issuer.example',
        scopes: ['mcp:read'],
        claims: { sub, org: 'acme' },
        exp: expSeconds ? expSeconds() : Math.floor(Date.now() / 1000) + 3600,
        ...(jti ? { jti } : {}),
      },
    };
  }) as TokenValidator & { calls: number };
  fn.calls = 0;
  return fn;
}

// The oracle: what a decision must be, computed without the service. The token by jose's jwtVerify
// (issuer, algorithms, tolerance, exp required, audience naming the server, iat not in the future);
// the policy by the Rego engine evaluating the policy directory on the input DESIGN.md fixes.
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { compilePolicy, toJson, type Policy, type Value } from '../../../service/src/rego/index.js';
import { loadPolicySources } from '../../../service/src/policy/index.js';

export interface TokenOracleOptions {
  issuer: string;
  algorithms: string[];
  keys: JWTVerifyGetKey;
  nowMs: number;
  clockTolerance?: number;
}

/** The verified claims when the token is valid for `resource`, else undefined. */
export async function verifiedClaims(token: unknown, resource: string, options: TokenOracleOptions): Promise<Record<string, unknown> | undefined> {
  if (typeof token !== 'string') return undefined;
  const tolerance = options.clockTolerance ?? 30;
  try {
    const { payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      algorithms: options.algorithms,
      clockTolerance: tolerance,
      requiredClaims: ['exp'],
      currentDate: new Date(options.nowMs),
    });
    const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
    if (!aud.includes(resource)) return undefined;
    if (typeof payload.iat === 'number' && payload.iat > options.nowMs / 1000 + tolerance) return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function firstString(claims: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = claims[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function scopesOf(claims: Record<string, unknown>): string[] {
  for (const name of ['scope', 'scp']) {
    const v = claims[name];
    if (typeof v === 'string') return v.split(' ').filter((s) => s !== '');
    if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '');
  }
  return [];
}

/** The policy input of DESIGN.md: the action and context as sent, `context.time` from the clock. */
export function designInput(
  issuer: string,
  claims: Record<string, unknown>,
  server: { id: string; resource: string },
  action: Record<string, unknown>,
  context: Record<string, unknown> | undefined,
  nowMs: number,
): Record<string, unknown> {
  const sub = firstString(claims, ['sub']);
  const clientId = firstString(claims, ['client_id', 'azp']);
  return {
    subject: { issuer, scopes: scopesOf(claims), claims, ...(sub !== undefined ? { sub } : {}), ...(clientId !== undefined ? { client_id: clientId } : {}) },
    server,
    action,
    context: { ...(context ?? {}), time: new Date(nowMs).toISOString() },
  };
}

export interface PolicyOracle {
  revision: string;
  policy: Policy;
  /** `allow` of `data.mcp.authz.decision` (falling back to `data.mcp.authz.allow`); undefined or an error is false. */
  allows(input: Record<string, unknown>): boolean;
}

/** Compiles a policy directory with the Rego engine, as `opa eval -d <dir>` would load it. */
export async function createPolicyOracle(dir: string): Promise<PolicyOracle> {
  const loaded = await loadPolicySources([dir]);
  const policy = compilePolicy({ modules: loaded.modules, data: loaded.data as Value });
  return {
    revision: loaded.revision,
    policy,
    allows(input) {
      try {
        const decision = policy.evalRef('data.mcp.authz.decision', { input: input as Value });
        if (decision !== undefined) {
          return (toJson(decision) as { allow?: unknown } | null)?.allow === true;
        }
        return policy.evalRef('data.mcp.authz.allow', { input: input as Value }) === true;
      } catch {
        return false;
      }
    },
  };
}

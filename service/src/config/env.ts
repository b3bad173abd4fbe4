// Environment quick forms (DESIGN.md): each variable maps onto a configuration key, so the file and
// the environment are validated by the same schema. Later variables are added to ENV_VARIABLES.
import { hashSecret } from '../callers/secrets.js';
import type { SchemaIssue } from '../schema/create-ajv.js';
import { DEFAULT_ALGORITHMS } from './defaults.js';

type Raw = Record<string, any>;

/** Every environment variable the service reads, with the configuration key it sets. */
export const ENV_VARIABLES = {
  PORT: 'http.port',
  HOST: 'http.host',
  REDIS_URL: 'redis.url',
  REDIS_USERNAME: 'redis.username',
  REDIS_PASSWORD: 'redis.password',
  REDIS_SENTINEL_PASSWORD: 'redis.sentinel_password',
  POLICY_DIR: 'policies.dir',
  POLICY_GIT_URL: 'policies.git_url',
  POLICY_GIT_BRANCH: 'policies.git_branch',
  AUTHZ_CONFIG: '(path of authz.config.yaml)',
  AUTHZ_JWT_ISSUER: 'issuers[].issuer',
  AUTHZ_JWT_JWKS_URI: 'issuers[].jwks_uri',
  AUTHZ_JWT_AUDIENCE: 'servers[].audiences',
  AUTHZ_JWT_ALGORITHMS: 'issuers[].algorithms',
  AUTHZ_JWT_REQUIRED_TYP: 'issuers[].required_typ',
  AUTHZ_JWT_ACCEPT_HIGH_S_SIGNATURES: 'issuers[].accept_high_s_signatures',
  AUTHZ_JWT_MAX_TOKEN_LIFETIME: 'issuers[].max_token_lifetime',
  AUTHZ_SERVERS: 'servers[]',
  AUTHZ_CLIENTS: 'callers[] (resource servers)',
  AUTHZ_ADMIN_KEYS: 'callers[] (admins)',
} as const;

export type EnvVariable = keyof typeof ENV_VARIABLES;

/** The merged raw configuration and, per key path prefix, the variable that produced it. */
export interface EnvOverlay {
  raw: Raw;
  sources: Map<string, EnvVariable>;
  issues: SchemaIssue[];
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function section(raw: Raw, key: string): Raw {
  if (typeof raw[key] !== 'object' || raw[key] === null || Array.isArray(raw[key])) raw[key] = {};
  return raw[key] as Raw;
}

function array(raw: Raw, key: string): Raw[] {
  if (raw[key] === undefined) raw[key] = [];
  return Array.isArray(raw[key]) ? (raw[key] as Raw[]) : [];
}

/** Applies the environment quick forms on top of the file's raw configuration (a copy is returned). */
export function applyEnv(fileRaw: Raw, env: Record<string, string | undefined>): EnvOverlay {
  const raw: Raw = structuredClone(fileRaw);
  const sources = new Map<string, EnvVariable>();
  const issues: SchemaIssue[] = [];
  const get = (name: EnvVariable): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const port = get('PORT');
  if (port !== undefined) {
    if (/^\d+$/.test(port)) section(raw, 'http').port = Number(port);
    else issues.push({ path: 'PORT', message: `must be a port number, got "${port}"` });
    sources.set('http.port', 'PORT');
  }
  const scalars: [EnvVariable, string, string][] = [
    ['HOST', 'http', 'host'],
    ['REDIS_URL', 'redis', 'url'],
    ['REDIS_USERNAME', 'redis', 'username'],
    ['REDIS_PASSWORD', 'redis', 'password'],
    ['REDIS_SENTINEL_PASSWORD', 'redis', 'sentinel_password'],
    ['POLICY_DIR', 'policies', 'dir'],
    ['POLICY_GIT_URL', 'policies', 'git_url'],
    ['POLICY_GIT_BRANCH', 'policies', 'git_branch'],
  ];
  for (const [name, sec, key] of scalars) {
    const v = get(name);
    if (v !== undefined) {
      section(raw, sec)[key] = v;
      sources.set(`${sec}.${key}`, name);
    }
  }

  const issuer = get('AUTHZ_JWT_ISSUER');
  if (issuer !== undefined) {
    const issuers = array(raw, 'issuers');
    const entry: Raw = { issuer };
    const jwksUri = get('AUTHZ_JWT_JWKS_URI');
    if (jwksUri !== undefined) {
      entry.jwks_uri = jwksUri;
      sources.set(`issuers[${issuers.length}].jwks_uri`, 'AUTHZ_JWT_JWKS_URI');
    }
    const algs = get('AUTHZ_JWT_ALGORITHMS');
    entry.algorithms = algs === undefined ? [...DEFAULT_ALGORITHMS] : list(algs);
    const typ = get('AUTHZ_JWT_REQUIRED_TYP');
    if (typ !== undefined) entry.required_typ = typ;
    const at = `issuers[${issuers.length}]`;
    sources.set(at, 'AUTHZ_JWT_ISSUER');
    const highS = get('AUTHZ_JWT_ACCEPT_HIGH_S_SIGNATURES');
    if (highS !== undefined) {
      if (highS === 'true' || highS === 'false') entry.accept_high_s_signatures = highS === 'true';
      else issues.push({ path: 'AUTHZ_JWT_ACCEPT_HIGH_S_SIGNATURES', message: `must be true or false, got "${highS}"` });
      sources.set(`${at}.accept_high_s_signatures`, 'AUTHZ_JWT_ACCEPT_HIGH_S_SIGNATURES');
    }
    const lifetime = get('AUTHZ_JWT_MAX_TOKEN_LIFETIME');
    if (lifetime !== undefined) {
      if (/^\d+$/.test(lifetime)) entry.max_token_lifetime = Number(lifetime);
      else issues.push({ path: 'AUTHZ_JWT_MAX_TOKEN_LIFETIME', message: `must be a number of seconds, got "${lifetime}"` });
      sources.set(`${at}.max_token_lifetime`, 'AUTHZ_JWT_MAX_TOKEN_LIFETIME');
    }
    issuers.push(entry);
  } else {
    for (const name of ['AUTHZ_JWT_JWKS_URI', 'AUTHZ_JWT_ALGORITHMS', 'AUTHZ_JWT_REQUIRED_TYP', 'AUTHZ_JWT_ACCEPT_HIGH_S_SIGNATURES', 'AUTHZ_JWT_MAX_TOKEN_LIFETIME'] as const) {
      if (get(name) !== undefined) issues.push({ path: name, message: 'needs AUTHZ_JWT_ISSUER' });
    }
  }

  const servers = array(raw, 'servers');
  const envServers: Raw[] = [];
  const serverIds = new Set(servers.map((s) => s?.id));
  const addServer = (id: string, resource: string, source: EnvVariable): void => {
    sources.set(`servers[${servers.length}]`, source);
    const entry: Raw = { id, resource };
    servers.push(entry);
    envServers.push(entry);
    serverIds.add(id);
  };
  const serverList = get('AUTHZ_SERVERS');
  if (serverList !== undefined) {
    for (const item of list(serverList)) {
      const eq = item.indexOf('=');
      if (eq <= 0 || eq === item.length - 1) {
        issues.push({ path: 'AUTHZ_SERVERS', message: `entry "${item}" must be id=resource` });
        continue;
      }
      addServer(item.slice(0, eq), item.slice(eq + 1), 'AUTHZ_SERVERS');
    }
  }

  const callers = array(raw, 'callers');
  const clients = get('AUTHZ_CLIENTS');
  if (clients !== undefined) {
    list(clients).forEach((item, n) => {
      const parts = item.split(':');
      const serverIdsOf = parts[2]?.split('|').filter((s) => s !== '') ?? [];
      if (parts.length !== 3 || parts[0] === '' || parts[1] === '' || serverIdsOf.length === 0) {
        // The entry holds a secret: name its position, never echo it.
        issues.push({ path: 'AUTHZ_CLIENTS', message: `entry ${n + 1} must be id:secret:server1|server2` });
        return;
      }
      for (const sid of serverIdsOf) {
        if (!serverIds.has(sid)) addServer(sid, sid, 'AUTHZ_CLIENTS');
      }
      sources.set(`callers[${callers.length}]`, 'AUTHZ_CLIENTS');
      callers.push({ id: parts[0], role: 'resource_server', secret_hashes: [hashSecret(parts[1]!)], servers: serverIdsOf });
    });
  }

  // One audience for several servers would make each accept the others' tokens (DESIGN.md).
  const audience = get('AUTHZ_JWT_AUDIENCE');
  if (audience !== undefined) {
    if (envServers.length === 0) {
      issues.push({ path: 'AUTHZ_JWT_AUDIENCE', message: 'needs a server from AUTHZ_SERVERS or AUTHZ_CLIENTS' });
    } else if (envServers.length > 1) {
      issues.push({
        path: 'AUTHZ_JWT_AUDIENCE',
        message: `applies to one server only, but the environment defines ${envServers.length} (${envServers.map((s) => s.id).join(', ')}): `
          + 'with several servers each server\'s resource is its audience (unset AUTHZ_JWT_AUDIENCE)',
      });
    } else {
      envServers[0]!.audiences = list(audience);
      sources.set(`servers[${servers.indexOf(envServers[0]!)}].audiences`, 'AUTHZ_JWT_AUDIENCE');
    }
  }

  const adminKeys = get('AUTHZ_ADMIN_KEYS');
  if (adminKeys !== undefined) {
    list(adminKeys).forEach((key, n) => {
      sources.set(`callers[${callers.length}]`, 'AUTHZ_ADMIN_KEYS');
      callers.push({ id: `admin-${n + 1}`, role: 'admin', secret_hashes: [hashSecret(key)] });
    });
  }

  return { raw, sources, issues };
}

/** The variable that produced a key path, if any (longest matching prefix). */
export function envSourceOf(path: string, sources: Map<string, EnvVariable>): EnvVariable | undefined {
  let best: string | undefined;
  for (const prefix of sources.keys()) {
    const boundary = path.length === prefix.length || path[prefix.length] === '.' || path[prefix.length] === '[';
    if (path.startsWith(prefix) && boundary && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : sources.get(best);
}

// Cross-reference checks that a schema cannot express, run in a fixed order after the schema.
import { createPublicKey } from 'node:crypto';
import type { SchemaIssue } from '../schema/create-ajv.js';
import { checkRedis } from './redis-check.js';
import type { AuthzConfig } from './types.js';

function duplicates<T>(items: readonly T[], key: (t: T) => string, path: (i: number) => string, issues: SchemaIssue[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, i);
    else issues.push({ path: path(i), message: `duplicates ${path(seen)} ("${k}")` });
  });
}

// A token is accepted for a server when its `aud` names any of the server's audiences, so two servers
// accepting one value accept each other's tokens. Every key involved is named, unless each server
// sharing the value gave up isolation with `shared_audience`.
function sharedAudiences(servers: AuthzConfig['servers'], issues: SchemaIssue[]): void {
  const holders = new Map<string, { server: number; path: string }[]>();
  servers.forEach((server, i) => {
    const keys: [string, string][] = [[server.resource, `servers[${i}].resource`], ...server.audiences.map((a, k): [string, string] => [a, `servers[${i}].audiences[${k}]`])];
    for (const [value, path] of keys) {
      const list = holders.get(value) ?? [];
      if (!list.some((h) => h.server === i)) list.push({ server: i, path });
      holders.set(value, list);
    }
  });
  for (const [value, list] of holders) {
    if (list.length < 2 || list.every((h) => servers[h.server]!.shared_audience)) continue;
    for (const h of list) {
      const others = list.filter((o) => o !== h).map((o) => o.path).join(', ');
      issues.push({
        path: h.path,
        message: `"${value}" is also accepted by ${others}: each server would accept the other's tokens `
          + '(give every server a distinct audience, or set shared_audience: true on each of them to give up this isolation)',
      });
    }
  }
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

// An issuer is a URL (RFC 8414 §2), and a resource that looks like a host or a path is one too:
// `idp.example.com` or `mcp.example.com/mcp` would never equal a token's `iss` or `aud`. A plain
// word (`files`) stays allowed as a resource, as the environment forms use it.
function schemes(config: AuthzConfig, issues: SchemaIssue[]): void {
  config.issuers.forEach((iss, i) => {
    if (!SCHEME.test(iss.issuer)) {
      issues.push({ path: `issuers[${i}].issuer`, message: `"${iss.issuer}" has no scheme (write https://${iss.issuer})` });
    }
  });
  config.servers.forEach((server, i) => {
    if (!SCHEME.test(server.resource) && /[./:]/.test(server.resource)) {
      issues.push({ path: `servers[${i}].resource`, message: `"${server.resource}" looks like a URL without a scheme (write https://${server.resource})` });
    }
  });
}

/** The key type each bundle signing algorithm needs. */
function keyTypeFits(algorithm: string, type: string | undefined): boolean {
  if (algorithm.startsWith('RS')) return type === 'rsa';
  if (algorithm.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss';
  if (algorithm.startsWith('ES')) return type === 'ec';
  return type === 'ed25519' || type === 'ed448';
}

// One policy source: a bundle replaces the directory (and its git pull); its keys must be usable.
function bundleSource(config: AuthzConfig, issues: SchemaIssue[]): void {
  const bundle = config.policies.bundle;
  if (bundle === undefined) return;
  if (bundle.file === undefined && bundle.url === undefined) issues.push({ path: 'policies.bundle', message: 'needs file or url' });
  if (bundle.file !== undefined && bundle.url !== undefined) issues.push({ path: 'policies.bundle.url', message: 'cannot be combined with policies.bundle.file' });
  if (config.policies.git_url !== undefined) issues.push({ path: 'policies.git_url', message: 'cannot be combined with policies.bundle (one policy source at a time)' });
  const { keys, required } = bundle.signing;
  if (required && keys.length === 0) issues.push({ path: 'policies.bundle.signing.keys', message: 'must hold at least one key when signing.required is true' });
  duplicates(keys, (k) => k.id, (i) => `policies.bundle.signing.keys[${i}].id`, issues);
  keys.forEach((k, i) => {
    let type: string | undefined;
    try {
      const key = createPublicKey(k.key);
      type = key.asymmetricKeyType;
    } catch {
      issues.push({ path: `policies.bundle.signing.keys[${i}].key`, message: 'is not a PEM public key or certificate' });
      return;
    }
    if (!keyTypeFits(k.algorithm, type)) issues.push({ path: `policies.bundle.signing.keys[${i}].key`, message: `is a ${type ?? 'unknown'} key, which ${k.algorithm} cannot use` });
  });
}

/** Returns every cross-reference problem of a schema-valid configuration. */
export function checkConfig(config: AuthzConfig): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issuerIds = new Set(config.issuers.map((i) => i.issuer));
  const serverIds = new Set(config.servers.map((s) => s.id));

  schemes(config, issues);
  bundleSource(config, issues);
  duplicates(config.issuers, (i) => i.issuer, (i) => `issuers[${i}].issuer`, issues);
  config.issuers.forEach((iss, i) => {
    if (iss.jwks_uri !== undefined && (iss.jwks !== undefined || iss.pem_keys !== undefined)) {
      issues.push({ path: `issuers[${i}].jwks_uri`, message: 'cannot be combined with static keys (jwks, pem_keys)' });
    }
  });

  duplicates(config.servers, (s) => s.id, (i) => `servers[${i}].id`, issues);
  config.servers.forEach((server, i) => {
    server.issuers?.forEach((iss, k) => {
      if (!issuerIds.has(iss)) issues.push({ path: `servers[${i}].issuers[${k}]`, message: `"${iss}" is not a configured issuer` });
    });
    const opaque = server.opaque_token_issuer;
    if (opaque !== undefined) {
      const issuer = config.issuers.find((x) => x.issuer === opaque);
      const path = `servers[${i}].opaque_token_issuer`;
      if (issuer === undefined) issues.push({ path, message: `"${opaque}" is not a configured issuer` });
      else if (issuer.introspection === undefined) issues.push({ path, message: `issuer "${opaque}" has no introspection settings` });
      else if (server.issuers !== undefined && !server.issuers.includes(opaque)) {
        issues.push({ path, message: `"${opaque}" is not one of this server's issuers` });
      }
    }
  });
  sharedAudiences(config.servers, issues);
  issues.push(...checkRedis(config));

  duplicates(config.callers, (c) => c.id, (i) => `callers[${i}].id`, issues);
  const hashOwner = new Map<string, number>();
  config.callers.forEach((caller, i) => {
    if (caller.role === 'resource_server' && caller.servers === undefined) {
      issues.push({ path: `callers[${i}].servers`, message: 'is required for a resource_server caller' });
    }
    caller.servers?.forEach((sid, k) => {
      if (!serverIds.has(sid)) issues.push({ path: `callers[${i}].servers[${k}]`, message: `"${sid}" is not a configured server` });
    });
    caller.secret_hashes.forEach((h, k) => {
      const owner = hashOwner.get(h);
      // A bearer API key identifies its caller by the secret alone, so secrets must be unique.
      if (owner !== undefined && owner !== i) {
        issues.push({ path: `callers[${i}].secret_hashes[${k}]`, message: `is also a secret of callers[${owner}]` });
      } else hashOwner.set(h, i);
    });
  });
  return issues;
}

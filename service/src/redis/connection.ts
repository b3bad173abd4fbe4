// Where Redis is: one node by URL, a master found through Sentinel, or a Cluster; credentials and TLS.
// Plain data so that store, jobs and probes can take it without knowing the configuration.

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisTls {
  /** PEM contents (the files are read when the connection is described from configuration). */
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

interface Common {
  username?: string;
  password?: string;
  tls?: RedisTls;
}

export interface SingleRedis extends Common {
  mode: 'single';
  /** redis:// or rediss:// URL; a password in it is used unless `password` is set. */
  url: string;
}

export interface SentinelRedis extends Common {
  mode: 'sentinel';
  sentinels: RedisNode[];
  /** The master group name the sentinels monitor. */
  name: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
}

export interface ClusterRedis extends Common {
  mode: 'cluster';
  /** Seed nodes; the rest of the cluster is discovered from them. */
  nodes: RedisNode[];
}

export type RedisConnection = SingleRedis | SentinelRedis | ClusterRedis;

/** A connection description, or a bare URL (one node). */
export type RedisTarget = string | RedisConnection;

export function toConnection(target: RedisTarget): RedisConnection {
  return typeof target === 'string' ? { mode: 'single', url: target } : target;
}

function nodes(list: readonly RedisNode[]): string {
  return list.map((n) => `${n.host}:${n.port}`).join(',');
}

/** A description for logs and status pages: hosts and mode, never a credential. */
export function describeRedis(target: RedisTarget): string {
  const c = toConnection(target);
  if (c.mode === 'sentinel') return `sentinel ${c.name} via ${nodes(c.sentinels)}`;
  if (c.mode === 'cluster') return `cluster via ${nodes(c.nodes)}`;
  try {
    const u = new URL(c.url);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'redis (unparsable URL)';
  }
}

/**
 * The BullMQ key prefix. In a Cluster every key of a queue must live in one slot (BullMQ's scripts
 * touch several keys), so the prefix is wrapped in a hash tag: `mcp-authz:` becomes `{mcp-authz}:bull`.
 * A prefix that already holds a hash tag is kept as given. One node and Sentinel keep `mcp-authz:bull`,
 * so queues written by earlier versions are still found.
 */
export function queuePrefix(target: RedisTarget, keyPrefix: string): string {
  if (toConnection(target).mode !== 'cluster') return `${keyPrefix}bull`;
  if (/\{[^}]+\}/.test(keyPrefix)) return `${keyPrefix}bull`;
  const base = keyPrefix.replace(/:+$/, '');
  return `{${base === '' ? 'mcp-authz' : base}}:bull`;
}

// The registry of issuers, servers and callers built from a validated configuration.
import type { AuthzConfig, CallerConfig, IssuerConfig, ServerConfig } from './types.js';

export interface Registry {
  readonly issuers: ReadonlyMap<string, IssuerConfig>;
  readonly servers: ReadonlyMap<string, ServerConfig>;
  readonly callers: ReadonlyMap<string, CallerConfig>;
  /** The issuers a server trusts (all configured issuers when the server names none). */
  trustedIssuers(server: ServerConfig): readonly string[];
  /** How many servers trust this issuer. */
  trustCount(issuer: string): number;
  /** Every audience value that makes a token meant for this server. */
  audiencesOf(server: ServerConfig): readonly string[];
  /** The servers a caller may ask about (an admin without a list: all). */
  serversOf(caller: CallerConfig): readonly ServerConfig[];
  /** Whether the caller may ask about this server id. */
  callerMayAsk(caller: CallerConfig, serverId: string): boolean;
}

export function createRegistry(config: AuthzConfig): Registry {
  const issuers = new Map(config.issuers.map((i) => [i.issuer, i]));
  const servers = new Map(config.servers.map((s) => [s.id, s]));
  const callers = new Map(config.callers.map((c) => [c.id, c]));
  const allIssuers = [...issuers.keys()];
  const allServers = [...servers.values()];

  const serverIdsOf = (caller: CallerConfig): ReadonlySet<string> | undefined =>
    caller.servers === undefined ? undefined : new Set(caller.servers);
  const callerServers = new Map([...callers.values()].map((c) => [c.id, serverIdsOf(c)]));

  const trustCounts = new Map<string, number>();
  for (const server of allServers) {
    for (const iss of server.issuers ?? allIssuers) trustCounts.set(iss, (trustCounts.get(iss) ?? 0) + 1);
  }

  return {
    issuers,
    servers,
    callers,
    trustedIssuers: (server) => server.issuers ?? allIssuers,
    trustCount: (issuer) => trustCounts.get(issuer) ?? 0,
    audiencesOf: (server) => [server.resource, ...server.audiences],
    serversOf(caller) {
      const ids = callerServers.get(caller.id);
      return ids === undefined ? allServers : allServers.filter((s) => ids.has(s.id));
    },
    callerMayAsk(caller, serverId) {
      if (!servers.has(serverId)) return false;
      const ids = callerServers.get(caller.id);
      return ids === undefined ? caller.role === 'admin' : ids.has(serverId);
    },
  };
}

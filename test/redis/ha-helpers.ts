// Test helpers that start a private Redis Cluster (3 masters) or a Sentinel setup (master, replica,
// 3 sentinels) on loopback ports, with append-only files as production nodes would keep.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from '../store/redis-helpers.js';

export interface Node {
  host: string;
  port: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** One redis-server (or sentinel) process that can be killed and started again on its port. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  constructor(readonly port: number, private readonly args: () => string[]) {}
  get node(): Node {
    return { host: '127.0.0.1', port: this.port };
  }
  async start(auth?: { username?: string; password?: string }): Promise<void> {
    this.child = spawn('redis-server', this.args(), { stdio: 'ignore' });
    await eventually(() => ping(this.port, auth), `redis-server on ${this.port} answers`, 10_000);
  }
  async kill(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }
}

async function ping(port: number, auth?: { username?: string; password?: string }): Promise<boolean> {
  const r = new Redis({ port, host: '127.0.0.1', ...auth, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function persistence(dir: string): string[] {
  return ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
}

export interface RedisCluster {
  nodes: Node[];
  stop(): Promise<void>;
}

/** Three masters owning all slots; every node has the ACL user `username`/`password` and no default user. */
export async function startRedisCluster(auth: { username: string; password: string }): Promise<RedisCluster> {
  const root = mkdtempSync(join(tmpdir(), 'mcp-authz-cluster-'));
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = join(root, String(port));
      mkdirSync(dir);
      const acl = ['--user', `${auth.username}`, 'on', `>${auth.password}`, '~*', '&*', '+@all', '--user', 'default', 'off'];
      servers.push(new ServerProcess(port, () => ['--port', String(port), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '2000', ...persistence(dir), ...acl]));
    }
    await Promise.all(servers.map((s) => s.start(auth)));
    const created = spawnSync('redis-cli', ['--user', auth.username, '--pass', auth.password, '--no-auth-warning', '--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const s of servers) {
      await eventually(async () => {
        const r = new Redis({ port: s.port, host: '127.0.0.1', ...auth, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => undefined);
        try {
          return (await r.cluster('INFO')).includes('cluster_state:ok');
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      }, `cluster node ${s.port} reports cluster_state:ok`, 20_000);
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.kill()));
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return {
    nodes: servers.map((s) => s.node),
    async stop() {
      await Promise.all(servers.map((s) => s.kill()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface SentinelSetup {
  name: string;
  sentinels: Node[];
  master: ServerProcess;
  replica: ServerProcess;
  /** The master's port as the sentinels report it now. */
  masterPort(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** A master and a replica, both requiring `password`, watched by three sentinels (quorum 2). */
export async function startSentinelSetup(password: string): Promise<SentinelSetup> {
  const root = mkdtempSync(join(tmpdir(), 'mcp-authz-sentinel-'));
  const name = 'authz-master';
  const procs: ServerProcess[] = [];
  try {
    const [mPort, rPort] = [await freePort(), await freePort()];
    const dataNode = (port: number, replicaOf?: number): ServerProcess => {
      const dir = join(root, String(port));
      mkdirSync(dir);
      // masterauth on both: after a failover the old master comes back as a replica.
      const args = ['--port', String(port), ...persistence(dir), '--requirepass', password, '--masterauth', password];
      return new ServerProcess(port, () => [...args, ...(replicaOf !== undefined ? ['--replicaof', '127.0.0.1', String(replicaOf)] : [])]);
    };
    const master = dataNode(mPort);
    const replica = dataNode(rPort, mPort);
    procs.push(master, replica);
    await master.start({ password });
    await replica.start({ password });
    const sentinels: ServerProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = join(root, `sentinel-${port}.conf`);
      writeFileSync(file, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${root}`,
        `sentinel monitor ${name} 127.0.0.1 ${mPort} 2`,
        `sentinel auth-pass ${name} ${password}`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`, '',
      ].join('\n'));
      sentinels.push(new ServerProcess(port, () => [file, '--sentinel']));
    }
    procs.push(...sentinels);
    await Promise.all(sentinels.map((s) => s.start()));
    const masterPort = async (): Promise<number | undefined> => {
      const r = new Redis({ port: sentinels[0]!.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        const addr = (await r.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
        return addr ? Number(addr[1]) : undefined;
      } catch {
        return undefined;
      } finally {
        r.disconnect();
      }
    };
    // Ready once every sentinel knows the replica and the other sentinels.
    await eventually(async () => {
      const r = new Redis({ port: sentinels[0]!.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        const replicas = (await r.call('SENTINEL', 'replicas', name)) as unknown[];
        const others = (await r.call('SENTINEL', 'sentinels', name)) as unknown[];
        return replicas.length === 1 && others.length === 2;
      } catch {
        return false;
      } finally {
        r.disconnect();
      }
    }, 'sentinels see the replica and each other', 20_000);
    return {
      name, master, replica, masterPort,
      sentinels: sentinels.map((s) => s.node),
      async stop() {
        await Promise.all(procs.map((p) => p.kill()));
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.all(procs.map((p) => p.kill()));
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

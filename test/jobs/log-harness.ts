// Shared harness for decision log delivery tests: an HTTP sink that can be down, and a JSONL counter.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDecisionService, type DecisionLogWriter } from '../../service/src/decisions/index.js';
import { createRevocationList } from '../../service/src/revocation/index.js';
import { createMemoryStore } from '../../service/src/store/index.js';
import { readLoggedIds } from '../../service/src/decision-logs/index.js';
import { fakeValidator, referenceLikeEngine, swappableSource } from '../decisions/fakes.js';

export interface FlakyHttpSink {
  url: string;
  up: boolean;
  received: string[];
  failures: number;
  close(): Promise<void>;
}

/** An HTTP endpoint answering 503 while `up` is false; records the decision_ids it accepted. */
export async function startFlakyHttpSink(): Promise<FlakyHttpSink> {
  const state = { up: true, received: [] as string[], failures: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!state.up) {
        state.failures++;
        res.writeHead(503).end();
        return;
      }
      for (const r of JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ decision_id: string }>) state.received.push(r.decision_id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  const sink = {
    url: `http://127.0.0.1:${addr.port}/logs`,
    get up() {
      return state.up;
    },
    set up(v: boolean) {
      state.up = v;
    },
    get received() {
      return state.received;
    },
    get failures() {
      return state.failures;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return sink;
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-authz-logs-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Makes `n` decisions through the real decision service, logging to `writer`; returns their ids. */
export async function makeDecisions(writer: DecisionLogWriter, n: number, offset = 0): Promise<string[]> {
  const store = createMemoryStore();
  const service = createDecisionService({
    validateToken: fakeValidator(),
    engines: swappableSource(referenceLikeEngine()),
    revocations: createRevocationList({ store }),
    maxTtlSeconds: 60,
    decisionLog: writer,
  });
  const server = { id: 'github', resource: 'https://mcp.example.com/github' };
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await service.decide({
      token: `tok:user${offset + i}:github`,
      server,
      action: { method: 'tools/call', tool: i % 2 ? 'read_file' : 'write_file', arguments: { path: `f${i}`, password: 'hunter2' } },
    });
    ids.push(r.decision_id);
  }
  return ids;
}

/** Lines and distinct decision_ids across the JSONL sink's files. */
export async function countJsonl(path: string): Promise<{ lines: number; distinct: number }> {
  const ids = await readLoggedIds(path, 5);
  return { lines: ids.length, distinct: new Set(ids).size };
}

export interface ClosableHttpSink {
  url: string;
  /** Distinct decision_ids accepted. */
  received: Set<string>;
  /** Closes the listening socket (connections are refused), keeping the port for reopen(). */
  stop(): Promise<void>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP endpoint that can be really taken down (port closed) and brought back on the same port. */
export async function startClosableHttpSink(): Promise<ClosableHttpSink> {
  const received = new Set<string>();
  let server: Server | undefined;
  const listen = async (port: number): Promise<number> => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        for (const r of JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ decision_id: string }>) received.add(r.decision_id);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    server = s;
    return (s.address() as { port: number }).port;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  };
  const port = await listen(0);
  return { url: `http://127.0.0.1:${port}/logs`, received, stop, reopen: async () => void (await listen(port)), close: stop };
}

// Encoded request bodies (content-encoding.cases.yaml): a body that does not decode is a 400 and an
// unsupported encoding a 415, each with a stable code and never an error in the log. An upload the
// client cuts off is logged at info, on every body path (before express, through it, and encoded).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { parse } from 'yaml';
import { createApp } from '../../service/src/http/app.js';
import { rawRequest } from '../fuzz/support/raw-http.js';
import { eventually } from '../store/redis-helpers.js';
import { startWorld, type World } from '../support/world.js';

interface Case {
  name: string;
  encoding: string;
  body: 'gzip' | 'deflate' | 'br' | 'corrupt' | 'truncated' | 'garbage';
  status: number;
  code?: string;
}

const CASES = parse(readFileSync(new URL('./content-encoding.cases.yaml', import.meta.url), 'utf8')) as Case[];

let world: World;
let server: Server;
let port: number;
const lines: Array<Record<string, unknown>> = [];

before(async () => {
  world = await startWorld();
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); cb(); } });
  server = createServer(createApp({ ...world.service.deps, logger: pino({ level: 'info' }, sink) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await world.close();
});

const ROUTES = {
  introspect: { path: '/oauth2/introspect', type: 'application/x-www-form-urlencoded', body: () => 'token=abc', caller: 'github-mcp' },
  decisions: {
    path: '/v1/decisions', type: 'application/json', caller: 'github-mcp',
    body: () => JSON.stringify({ token: 't', server: 'github', action: { method: 'tools/list' } }),
  },
};

function encoded(kind: Case['body'], plain: Buffer): Buffer {
  switch (kind) {
    case 'gzip': return gzipSync(plain);
    case 'deflate': return deflateSync(plain);
    case 'br': return brotliCompressSync(plain);
    case 'corrupt': return Buffer.concat([gzipSync(plain).subarray(0, 12), Buffer.from('not gzip at all')]);
    case 'truncated': { const z = gzipSync(plain); return z.subarray(0, z.length - 6); }
    case 'garbage': return Buffer.from('not compressed');
  }
}

const errorsLogged = (): unknown[] => lines.filter((l) => Number(l.level) >= 50);

describe('content-encoding of request bodies', () => {
  for (const c of CASES) for (const [via, route] of Object.entries(ROUTES)) {
    test(`${c.name} (${via}) → ${c.status}${c.code ? ` ${c.code}` : ''}`, async () => {
      const body = encoded(c.body, Buffer.from(route.body()));
      const res = await rawRequest({
        port, path: route.path, body,
        headers: [['authorization', world.basic(route.caller, world.secrets.github)], ['content-type', route.type],
          ['content-encoding', c.encoding], ['content-length', String(body.length)]],
      });
      assert.equal(res.status, c.status, res.body);
      if (c.code !== undefined) {
        const problem = JSON.parse(res.body) as Record<string, unknown>;
        assert.equal(problem.code, c.code);
        assert.ok(world.service.deps.contract.schemaValidator('Problem')(problem));
      }
      assert.deepEqual(errorsLogged(), []);
    });
  }
});

/** Sends the head and half of a body of `declared` bytes, then closes the connection. */
function abortUpload(path: string, headers: [string, string][], partial: Buffer, declared: number): void {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const head = [`POST ${path} HTTP/1.1`, `host: 127.0.0.1:${port}`, `authorization: ${world.basic('github-mcp', world.secrets.github)}`,
    `content-length: ${declared}`, ...headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.write(`${head}\r\n\r\n`);
  socket.write(partial, () => setTimeout(() => socket.destroy(), 50));
}

describe('uploads the client cuts off', () => {
  const json = Buffer.from(JSON.stringify({ token: 't', server: 'github', action: { method: 'tools/call', tool: 'x', arguments: { pad: 'p'.repeat(4000) } } }));
  const uploads: Array<[string, string, [string, string][], Buffer]> = [
    ['plain JSON (served before express)', '/v1/decisions', [['content-type', 'application/json']], json],
    ['JSON with a charset parameter (through express)', '/v1/decisions', [['content-type', 'application/json; charset="utf-8"']], json],
    ['form body (through express)', '/oauth2/introspect', [['content-type', 'application/x-www-form-urlencoded']], Buffer.from(`token=${'a'.repeat(4000)}`)],
    ['gzip body', '/v1/decisions', [['content-type', 'application/json'], ['content-encoding', 'gzip']], gzipSync(json, { level: 0 })],
  ];
  for (const [name, path, headers, full] of uploads) {
    test(`${name}: logged at info, not as an error`, async () => {
      const before = lines.length;
      abortUpload(path, headers, full.subarray(0, full.length >> 1), full.length);
      await eventually(() => lines.slice(before).some((l) => l.msg === 'request aborted by the client'), 'the abort is logged');
      const logged = lines.slice(before).find((l) => l.msg === 'request aborted by the client')!;
      assert.equal(logged.level, 30);
      assert.equal(logged.path, path);
      assert.deepEqual(errorsLogged(), []);
    });
  }
});

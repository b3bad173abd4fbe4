// The lean JSON body reader answers exactly like body-parser: the same parsed body, status and
// problem code for each row of json-body.cases.yaml, inside express and on a route served before
// express (`direct`), and it leaves the connection usable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { parse } from 'yaml';
import { createServer, type RequestListener } from 'node:http';
import { createApp } from '../../../service/src/http/app.js';
import { sendNoStoreJson } from '../../../service/src/http/json-response.js';
import { startWorld, type World } from '../../support/world.js';

interface Row {
  name: string;
  body: string;
  prefix?: string;
  suffix?: string;
  repeat_suffix?: number;
  bom?: boolean;
  status: number;
  code?: string;
}

const ROWS = parse(readFileSync(new URL('./json-body.cases.yaml', import.meta.url), 'utf8')) as Row[];
const LEAN = 'application/json';
const BODY_PARSER = 'application/json; charset="utf-8"';

let world: World;
let app: RequestListener;
let directApp: RequestListener;
before(async () => {
  world = await startWorld();
  app = createApp({
    ...world.service.deps,
    routes: [() => [{ method: 'post', path: '/v1/decisions', access: 'caller', handler: (req, res) => res.json({ body: req.body }) }]],
  });
  const echo = (req: { body?: unknown }, res: Parameters<typeof sendNoStoreJson>[0]) => sendNoStoreJson(res, { body: req.body });
  directApp = createApp({
    ...world.service.deps,
    routes: [() => [{ method: 'post', path: '/v1/decisions', access: 'caller', handler: echo, direct: echo }]],
  });
});
after(() => world.close());

/** The body text; a byte order mark is U+FEFF, sent as UTF-8 (EF BB BF). */
function bytesOf(row: Row): string {
  return `${row.bom === true ? '\ufeff' : ''}${row.prefix ?? ''}${row.body}${(row.suffix ?? '').repeat(row.repeat_suffix ?? 1)}`;
}

async function send(row: Row, contentType: string, target = app): Promise<request.Response> {
  return request(target).post('/v1/decisions')
    .set('authorization', world.basic('files-mcp', world.secrets.files))
    .set('content-type', contentType)
    .send(bytesOf(row));
}

describe('lean JSON body reader', () => {
  for (const row of ROWS) {
    test(`${row.name} → ${row.status}${row.code !== undefined ? ` ${row.code}` : ''}, as body-parser answers`, async () => {
      const lean = await send(row, LEAN);
      const direct = await send(row, LEAN, directApp);
      const reference = await send(row, BODY_PARSER);
      assert.equal(lean.status, row.status, JSON.stringify([lean.body, reference.body]));
      assert.equal(direct.status, row.status, JSON.stringify([direct.body, reference.body]));
      assert.equal(reference.status, row.status);
      if (row.code !== undefined) {
        assert.equal(lean.body.code, row.code);
        assert.equal(direct.body.code, row.code);
        assert.equal(reference.body.code, row.code);
        assert.equal(direct.headers['content-type'], 'application/problem+json; charset=utf-8');
      } else {
        assert.deepEqual(lean.body, reference.body);
        assert.deepEqual(direct.body, reference.body);
        assert.equal(lean.body.body.server, 'files');
      }
    });
  }

  for (const [via, target] of [['express', () => app], ['direct', () => directApp]] as const) {
    test(`${via}: requests on one kept-alive connection after a refused body are still served`, async () => {
      const agent = request.agent(target());
      const auth = world.basic('files-mcp', world.secrets.files);
      const big = ROWS.find((r) => r.status === 413)!;
      await agent.post('/v1/decisions').set('authorization', auth).set('content-type', LEAN).send(bytesOf(big)).expect(413);
      const ok = ROWS.find((r) => r.status === 200)!;
      const res = await agent.post('/v1/decisions').set('authorization', auth).set('content-type', LEAN).send(bytesOf(ok)).expect(200);
      assert.equal(res.body.body.token, 't');
    });

    test(`${via}: a body whose second half arrives later is read whole`, async (t) => {
      const server = createServer(target()).listen(0, '127.0.0.1');
      await once(server, 'listening');
      t.after(() => server.close());
      const body = Buffer.from(bytesOf(ROWS.find((r) => r.status === 200)!));
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      await once(socket, 'connect');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.write(`POST /v1/decisions HTTP/1.1\r\nhost: x\r\nconnection: close\r\nauthorization: ${world.basic('files-mcp', world.secrets.files)}\r\n`
        + `content-type: ${LEAN}\r\ncontent-length: ${body.length}\r\n\r\n`);
      socket.write(body.subarray(0, 10));
      await sleep(30);
      socket.end(body.subarray(10));
      await once(socket, 'close');
      const [head, text] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      assert.match(head!, /^HTTP\/1\.1 200 /);
      assert.equal((JSON.parse(text!) as { body: { server: string } }).body.server, 'files');
    });
  }
});

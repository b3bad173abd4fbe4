// The response rewriter on raw node:http responses: SSE events split across chunks, JSON bodies, other types.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { interceptJsonRpcResponses } from '../../../sdk/src/express/response-interceptor.js';

// Renames the result of the answer with id 1, leaves everything else alone.
const rewrite = async (message: unknown) => {
  const answer = message as { id?: number; result?: unknown };
  return answer.id === 1 ? { ...answer, result: { rewritten: true } } : undefined;
};

async function serve(write: (res: http.ServerResponse) => void): Promise<{ status: number; type: string | null; length: string | null; body: string }> {
  const server = http.createServer((_req, res) => {
    interceptJsonRpcResponses(res, rewrite);
    write(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), body: await res.text() };
  } finally {
    server.close();
  }
}

describe('interceptJsonRpcResponses', () => {
  test('SSE events split across chunks are reassembled and rewritten in order', async () => {
    const first = 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n';
    const second = 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"tools":[]}}\n\n';
    const got = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': String(first.length + second.length) });
      res.write(first.slice(0, 20));
      res.write(first.slice(20) + second.slice(0, 30));
      res.write(Buffer.from(second.slice(30)));
      res.end();
    });
    assert.equal(got.type, 'text/event-stream');
    assert.equal(got.length, null);
    assert.equal(got.body, `${first}event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"rewritten":true}}\n\n`);
  });

  test('a JSON body is rewritten whole and its Content-Length recomputed', async () => {
    const body = JSON.stringify([{ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'a' }] } }, { jsonrpc: '2.0', id: 2, result: {} }]);
    const got = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.flushHeaders();
      res.end(body);
    });
    const expected = JSON.stringify([{ jsonrpc: '2.0', id: 1, result: { rewritten: true } }, { jsonrpc: '2.0', id: 2, result: {} }]);
    assert.equal(got.body, expected);
    assert.equal(got.length, String(Buffer.byteLength(expected)));
  });

  test('headers set with setHeader and an implicit head are handled', async () => {
    const got = await serve((res) => {
      res.setHeader('content-type', 'application/json');
      res.write('{"jsonrpc":"2.0",');
      res.end('"id":1,"result":{}}');
    });
    assert.equal(got.body, '{"jsonrpc":"2.0","id":1,"result":{"rewritten":true}}');
  });

  test('other content types and unparsable JSON pass through untouched', async () => {
    const plain = await serve((res) => res.writeHead(406, { 'content-type': 'text/plain' }).end('{"id":1}'));
    assert.deepEqual([plain.status, plain.body], [406, '{"id":1}']);
    const broken = await serve((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1'));
    assert.equal(broken.body, '{"id":1');
  });
});

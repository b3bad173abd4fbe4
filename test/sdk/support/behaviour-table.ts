// Runs test/sdk/behaviour.yaml against one adapter: each row on a fresh protected server, with JSON and with SSE answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { AuthzLogger } from '@mcp-authz/sdk';
import type { FileStore } from '../../../examples/mcp-server/file-store.js';
import { startFakeAuthzService, type FakeAuthzService, type FakeToken, type Fault } from './fake-authz-service.js';

const hour = () => Math.floor(Date.now() / 1000) + 3600;

/** The stand-in's tokens the table names. */
export const tokens: Record<string, FakeToken> = {
  alice: { sub: 'alice', scopes: ['mcp:read', 'mcp:write'], server: 'files', exp: hour() },
  bob: { sub: 'bob', scopes: ['mcp:read'], server: 'files', exp: hour() },
  carol: { sub: 'carol', scopes: ['mcp:read'], roles: ['admin'], server: 'files', exp: hour() },
  dave: { sub: 'dave', scopes: ['mcp:read', 'mcp:admin'], roles: ['admin'], server: 'files', exp: hour() },
  eve: { sub: 'eve', scopes: [], server: 'files', exp: hour() },
  expired: { sub: 'old', scopes: ['mcp:read'], server: 'files', exp: 1 },
  other: { sub: 'alice', scopes: ['mcp:read'], server: 'github', exp: hour() },
};

/** The caller the targets authenticate as. */
export const caller = { clientId: 'files-mcp', clientSecret: 's3cret' };

/** What a target needs to build its protected server. */
export interface TargetSetup {
  /** The stand-in service's URL. */
  url: string;
  /** SDK options every target passes on. */
  authz: {
    clientId: string; clientSecret: string; server: string; retryBaseMs: number;
    authorizationServers: string[]; scopesSupported: string[]; scope: string[];
    logger: AuthzLogger; onError: (error: unknown) => void;
  };
  /** JSON instead of SSE answers. */
  jsonResponse: boolean;
}

/** A running protected MCP server, as the table drives it. */
export interface BehaviourTarget {
  /** The RFC 9728 metadata URL named in challenges. */
  metadataUrl: string;
  /** The example's file system. */
  store: FileStore;
  /** POSTs a JSON-RPC body to the MCP endpoint. */
  post(body: unknown, authorization?: string): Promise<Response>;
  close(): Promise<void>;
}

interface Row {
  name: string;
  request: { token?: string; authorization?: string; body: unknown; pad_arguments?: number };
  faults?: Fault[];
  repeat?: number;
  expect: {
    status: number;
    www_authenticate?: string;
    description?: string;
    retry_after?: string;
    errors?: [string | number | null, number][];
    error_data_code?: string;
    result?: boolean;
    list?: { member: string; names: string[] };
    files_absent?: string[];
    files_present?: string[];
    logged?: string[];
    on_error?: string[];
  };
}

/** The rows of the table. */
export const behaviourRows = parse(readFileSync(new URL('../behaviour.yaml', import.meta.url), 'utf8')) as Row[];

/**
 * The JSON-RPC messages of an MCP answer: a JSON body (one message or a batch) or an SSE stream.
 *
 * @param res - the answer
 */
export async function answeredMessages(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  if (text === '') return [];
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return text.split('\n').filter((line) => line.startsWith('data:') && line.length > 5).map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>);
  }
  const parsed = JSON.parse(text) as unknown;
  return (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
}

function bodyOf(row: Row): unknown {
  const { body, pad_arguments: pad } = row.request;
  if (pad === undefined) return body;
  const message = structuredClone(body) as { params: { arguments: Record<string, unknown> } };
  message.params.arguments.content = 'x'.repeat(pad);
  return message;
}

async function checkRow(row: Row, target: BehaviourTarget, res: Response): Promise<void> {
  const { expect } = row;
  assert.equal(res.status, expect.status, 'HTTP status');
  if (expect.www_authenticate !== undefined) {
    assert.equal(res.headers.get('www-authenticate'), expect.www_authenticate.replace('{metadata}', target.metadataUrl));
  }
  assert.equal(res.headers.get('retry-after') ?? undefined, expect.retry_after, 'Retry-After');
  if (expect.status === 401 || expect.status === 403) {
    const body = (await res.json()) as { error: string; error_description: string };
    if (expect.description !== undefined) assert.equal(body.error_description, expect.description);
    return;
  }
  const messages = await answeredMessages(res);
  const errors = messages.filter((message) => 'error' in message) as { id: unknown; error: { code: number; data?: { code?: string } } }[];
  assert.deepEqual(errors.map((message) => [message.id, message.error.code]), expect.errors ?? [], 'JSON-RPC errors');
  if (expect.error_data_code !== undefined) {
    for (const message of errors) assert.equal(message.error.data?.code, expect.error_data_code);
  }
  if (expect.result) assert.equal(messages.filter((message) => 'result' in message).length, 1, 'one result');
  if (expect.list !== undefined) {
    const { member, names } = expect.list;
    const [answer] = messages as { result: Record<string, { name?: string; uri?: string }[]> }[];
    const entries = answer!.result[member]!;
    assert.deepEqual(entries.map((entry) => entry.uri ?? entry.name).sort(), names);
  }
}

/**
 * Declares one suite per answer mode that runs every row against the target `start` builds.
 *
 * @param adapter - name shown in the report
 * @param start - builds a fresh target on the stand-in service
 */
export function runBehaviourTable(adapter: string, start: (setup: TargetSetup) => Promise<BehaviourTarget>): void {
  for (const jsonResponse of [false, true]) {
    describe(`${adapter}: behaviour table (${jsonResponse ? 'JSON' : 'SSE'} answers)`, () => {
      let service: FakeAuthzService;
      before(async () => {
        const basic = `Basic ${Buffer.from(`${caller.clientId}:${caller.clientSecret}`).toString('base64')}`;
        service = await startFakeAuthzService(tokens, [basic]);
      });
      after(() => service.close());

      for (const row of behaviourRows) {
        test(row.name, async () => {
          const logged: string[] = [];
          const errorCodes: string[] = [];
          const target = await start({
            url: service.url,
            jsonResponse,
            authz: {
              ...caller, server: 'files', retryBaseMs: 1,
              authorizationServers: ['https://issuer.test'], scopesSupported: ['mcp:read', 'mcp:write', 'mcp:admin'], scope: ['mcp:read'],
              logger: { error: (message) => logged.push(message) },
              onError: (error) => errorCodes.push(String((error as { code?: unknown }).code)),
            },
          });
          try {
            service.faults.length = 0;
            service.faults.push(...(row.faults ?? []));
            const authorization = row.request.authorization ?? (row.request.token === undefined ? undefined : `Bearer ${row.request.token}`);
            for (let i = 0; i < (row.repeat ?? 1); i++) await checkRow(row, target, await target.post(bodyOf(row), authorization));
            for (const path of row.expect.files_absent ?? []) assert.equal(target.store.files.has(path), false, `${path} must not exist`);
            for (const path of row.expect.files_present ?? []) assert.equal(target.store.files.has(path), true, `${path} must exist`);
            const patterns = row.expect.logged ?? [];
            assert.equal(logged.length, patterns.length, `logged lines: ${JSON.stringify(logged)}`);
            patterns.forEach((pattern, i) => assert.match(logged[i]!, new RegExp(pattern)));
            assert.deepEqual(errorCodes, row.expect.on_error ?? [], 'onError calls');
          } finally {
            service.faults.length = 0;
            await target.close();
          }
        });
      }
    });
  }
}

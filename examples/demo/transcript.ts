// The demo's scripted MCP client (the official MCP TypeScript SDK): two users' filtered tool lists,
// an allowed call, a policy deny with its reasons, a step-up, and a revoked token, each printed
// with the outcome the service decided and checked against the outcome expected.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { DemoStack } from './demo-stack.js';

/** A demo user: who, and the scopes of their token. */
export interface DemoUser {
  name: string;
  scopes: string[];
  token: string;
}

/** What one step showed. */
export interface StepOutcome {
  title: string;
  /** `allowed`, `listed`, `denied`, `403`, `401` or `error`. */
  outcome: string;
  detail: string;
  expected: string;
}

interface Session {
  client: Client;
  /** Status and challenge of the last HTTP answer, which the SDK's errors do not carry. */
  last: { status: number; challenge: string };
}

async function connect(url: string, token: string): Promise<Session> {
  const last = { status: 0, challenge: '' };
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      last.status = res.status;
      last.challenge = res.headers.get('www-authenticate') ?? '';
      return res;
    },
  });
  const client = new Client({ name: 'mcp-authz-demo', version: '1.0.0' });
  await client.connect(transport);
  return { client, last };
}

function challengeParam(challenge: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1];
}

/** The outcome of a failed request, in the terms the transcript uses. */
function failure(session: Session, error: unknown): { outcome: string; detail: string } {
  if (error instanceof McpError) {
    const reasons = (error.data as { reasons?: unknown } | undefined)?.reasons;
    const list = Array.isArray(reasons) ? reasons.map(String) : [error.message];
    return { outcome: 'denied', detail: `denied by the policy (JSON-RPC error ${error.code}): ${list.join('; ')}` };
  }
  if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
    const err = challengeParam(session.last.challenge, 'error') ?? 'no token';
    const scope = challengeParam(session.last.challenge, 'scope');
    const description = challengeParam(session.last.challenge, 'error_description');
    const hint = error.code === 403 && scope !== undefined
      ? `: ask the authorization server for scope "${scope}"`
      : description !== undefined ? ` (${description})` : '';
    return { outcome: String(error.code), detail: `HTTP ${error.code} ${err}${hint}` };
  }
  return { outcome: 'error', detail: `unexpected error: ${(error as Error).message}` };
}

async function listTools(session: Session): Promise<{ outcome: string; detail: string }> {
  try {
    const { tools } = await session.client.listTools();
    return { outcome: 'listed', detail: `tools/list → ${tools.map((t) => t.name).join(', ') || '(none)'}` };
  } catch (error) {
    return failure(session, error);
  }
}

async function callTool(session: Session, name: string, args: Record<string, unknown>): Promise<{ outcome: string; detail: string }> {
  try {
    const result = await session.client.callTool({ name, arguments: args });
    const text = (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join(' ').trim();
    return { outcome: 'allowed', detail: `allowed → ${JSON.stringify(text)}` };
  } catch (error) {
    return failure(session, error);
  }
}

function describeUser(user: DemoUser): string {
  return `${user.name} (scope "${user.scopes.join(' ')}")`;
}

/**
 * Runs the script against a running demo and prints each step as it happens.
 *
 * @param stack - the running demo
 * @param alice - a user with read and write scopes
 * @param bob - a user with the read scope only
 * @param print - where the transcript goes
 */
export async function runTranscript(stack: DemoStack, alice: DemoUser, bob: DemoUser, print: (line: string) => void): Promise<StepOutcome[]> {
  const steps: StepOutcome[] = [];
  const step = (title: string, expected: string, got: { outcome: string; detail: string }): void => {
    steps.push({ title, expected, ...got });
    const mark = got.outcome === expected ? '' : `   (UNEXPECTED: the demo expected ${expected})`;
    print(`${steps.length}. ${title}\n   ${got.detail}${mark}\n`);
  };

  const a = await connect(stack.mcpUrl, alice.token);
  const b = await connect(stack.mcpUrl, bob.token);
  try {
    step(`${describeUser(alice)} lists the tools`, 'listed', await listTools(a));
    step(`${describeUser(bob)} lists the tools`, 'listed', await listTools(b));
    step('alice calls read_file {"path":"/workspace/notes/todo.txt"}', 'allowed',
      await callTool(a, 'read_file', { path: '/workspace/notes/todo.txt' }));
    step('alice calls write_file {"path":"/etc/passwd"}', 'denied',
      await callTool(a, 'write_file', { path: '/etc/passwd', content: 'demo' }));
    step('bob calls write_file {"path":"/workspace/notes/todo.txt"}', '403',
      await callTool(b, 'write_file', { path: '/workspace/notes/todo.txt', content: 'demo' }));

    const res = await fetch(`${stack.serviceUrl}/v1/revocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: bob.token, reason: 'demo' }),
    });
    print(`   (an admin revokes bob's token: POST /v1/revocations → ${res.status})\n`);
    await res.body?.cancel();
    step('bob, revoked, calls read_file {"path":"/srv/shared/handbook.md"}', '401',
      await callTool(b, 'read_file', { path: '/srv/shared/handbook.md' }));
  } finally {
    await Promise.allSettled([a.client.close(), b.client.close()]);
  }
  return steps;
}

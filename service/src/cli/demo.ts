// `mcp-authz demo`: runs the one-command demo of examples/demo from a checkout of the repository
// (it needs the example MCP server and the reference policy, which the service does not ship).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEV_ISSUER_DIR } from '../dev-issuer/index.js';
import type { CliIo } from './types.js';

export const DEMO_USAGE = `usage: mcp-authz demo [--once]

Starts, on free 127.0.0.1 ports: a throwaway issuer (the development key in ./${DEV_ISSUER_DIR}/),
the service (embedded defaults, no Redis, the reference policy in policies/) and the example MCP
server (examples/mcp-server) registered as server "files". A scripted MCP client then prints a
transcript: two users' filtered tools/list, an allowed call, a policy deny with its reasons, a 403
step-up and a revoked token. The demo then stays up and prints ready-to-paste commands (Ctrl-C stops it).

  --once  exit after the transcript (exit 1 when a step did not end as expected)
`;

interface DemoModule {
  runDemo(options: { once: boolean; io: CliIo }): Promise<number>;
}

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  let once: boolean;
  try {
    once = parseArgs({ args: argv, options: { once: { type: 'boolean' } }, strict: true }).values.once === true;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${DEMO_USAGE}`);
    return 2;
  }
  // service/src/cli and service/dist/cli are both three folders below the repository root.
  const entry = new URL('../../../examples/demo/run-demo.ts', import.meta.url);
  if (!existsSync(entry)) {
    io.stderr('mcp-authz: the demo runs from a checkout of the mcp-authz repository (examples/demo is not here)\n');
    return 1;
  }
  // The compiled CLI has no TypeScript loader yet; the examples are TypeScript.
  if (import.meta.url.endsWith('.js')) (await import('tsx/esm/api')).register();
  const demo = (await import(entry.href)) as DemoModule;
  return demo.runDemo({ once, io });
}

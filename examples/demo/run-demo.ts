// `mcp-authz demo` (npm run demo): starts the demo, runs the scripted client, then stays up with
// ready-to-paste commands until SIGINT/SIGTERM, or exits after the transcript with `once`.
import { DEV_ISSUER } from '../../service/src/dev-issuer/index.js';
import { startDemoStack } from './demo-stack.js';
import { readyText } from './ready-text.js';
import { runTranscript, type DemoUser } from './transcript.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** Exit after the transcript. */
  once: boolean;
  io: { stdout(s: string): void; stderr(s: string): void };
  /** Where the development key lives (default: the working directory). */
  cwd?: string;
}

/**
 * Runs the demo; resolves with the exit code: 1 when an outcome differed from the expected one.
 *
 * @param options - once, output, key folder
 */
export async function runDemo(options: RunDemoOptions): Promise<number> {
  const { io } = options;
  const stack = await startDemoStack(options.cwd);
  try {
    io.stdout(`mcp-authz demo
  issuer       ${DEV_ISSUER} (development key)
  service      ${stack.serviceUrl} (reference policy, no Redis)
  MCP server   ${stack.mcpUrl} (examples/mcp-server as server "files")

`);
    const user = async (name: string, scopes: string[]): Promise<DemoUser> => ({ name, scopes, token: await stack.token(name, scopes) });
    const alice = await user('alice', ['mcp:read', 'mcp:write']);
    const bob = await user('bob', ['mcp:read']);
    const steps = await runTranscript(stack, alice, bob, (line) => io.stdout(line));
    const failed = steps.filter((s) => s.outcome !== s.expected).length;
    io.stdout(failed === 0 ? `\nall ${steps.length} steps ended as expected\n` : `\n${failed} of ${steps.length} steps did not end as expected\n`);
    if (options.once) return failed === 0 ? 0 : 1;

    io.stdout(readyText(stack, alice));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    return failed === 0 ? 0 : 1;
  } finally {
    await stack.close();
  }
}

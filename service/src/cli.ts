// The `mcp-authz` command: a table of subcommands, each in service/src/cli/<name>.ts.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CliCommand, CliIo } from './cli/types.js';

/**
 * Every subcommand. Add a command with one line here. Commands load on use, so policy
 * tooling (`check`, `eval`, `test`) never pulls in the HTTP server and its dependencies.
 */
export const COMMANDS: Record<string, { load: () => Promise<CliCommand>; summary: string }> = {
  serve: { load: async () => (await import('./cli/serve.js')).serveCommand, summary: 'run the service (what `npm start` runs)' },
  clients: { load: async () => (await import('./cli/clients.js')).clientsCommand, summary: 'clients add <id> --server <id>: register a caller' },
  users: {
    load: async () => (await import('./cli/users.js')).usersCommand,
    summary: 'users add <username>: add an account of the built-in authorization server',
  },
  eval: {
    load: async () => (await import('./cli/eval.js')).evalCommand,
    summary: "eval -d <dir|file>... [-i input.json] '<query>': evaluate like opa eval",
  },
  test: { load: async () => (await import('./cli/test.js')).testCommand, summary: "test <dir>...: run the policies' test_* rules" },
  check: {
    load: async () => (await import('./cli/check.js')).checkCommand,
    summary: 'check <dir>...: report parse and compile errors with locations',
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: mcp-authz <command> [options]\n       mcp-authz --version\n\ncommands:\n${lines.join('\n')}\n`;
}

/** The package version; package.json sits one level above both src/ and dist/. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`mcp-authz: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const run = await command.load();
  return run(rest, io);
}

const io: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

// Runs when started as the program (bin/mcp-authz.mjs, or cli.js directly), not when imported.
const entry = basename(process.argv[1] ?? '');
if (/^(mcp-authz(\.mjs)?|cli\.[jt]s)$/.test(entry)) {
  process.exitCode = await runCli(process.argv.slice(2), io);
}

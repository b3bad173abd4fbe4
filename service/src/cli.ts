// The `mcp-authz` command: a table of subcommands, each in service/src/cli/<name>.ts.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CliCommand, CliIo } from './cli/types.js';

/** A loaded subcommand: what runs, and the usage `<command> --help` prints. */
interface LoadedCommand {
  run: CliCommand;
  usage: string;
}

/**
 * Every subcommand. Add a command with one entry here. Commands load on use, so policy
 * tooling (`check`, `eval`, `test`) never pulls in the HTTP server and its dependencies.
 */
export const COMMANDS: Record<string, { load: () => Promise<LoadedCommand>; summary: string }> = {
  serve: {
    load: async () => { const m = await import('./cli/serve.js'); return { run: m.serveCommand, usage: m.SERVE_USAGE }; },
    summary: 'run the service (what `npm start` runs)',
  },
  demo: {
    load: async () => { const m = await import('./cli/demo.js'); return { run: m.demoCommand, usage: m.DEMO_USAGE }; },
    summary: 'demo [--once]: a throwaway issuer, the service and an example MCP server, with a scripted client',
  },
  token: {
    load: async () => { const m = await import('./cli/token.js'); return { run: m.tokenCommand, usage: m.TOKEN_USAGE }; },
    summary: 'token --aud <resource> [--sub, --scope, --claim k=v, --ttl]: a token of the development issuer',
  },
  clients: {
    load: async () => { const m = await import('./cli/clients.js'); return { run: m.clientsCommand, usage: m.CLIENTS_USAGE }; },
    summary: 'clients add <id> --server <id>: register a caller',
  },
  users: {
    load: async () => { const m = await import('./cli/users.js'); return { run: m.usersCommand, usage: m.USERS_USAGE }; },
    summary: 'users add <username>: add an account of the built-in authorization server',
  },
  eval: {
    load: async () => { const m = await import('./cli/eval.js'); return { run: m.evalCommand, usage: m.EVAL_USAGE }; },
    summary: "eval -d <dir|file>... [-i input.json] '<query>': evaluate like opa eval",
  },
  test: {
    load: async () => { const m = await import('./cli/test.js'); return { run: m.testCommand, usage: m.TEST_USAGE }; },
    summary: "test [-v] [--run <regex>] [--format json] [--coverage] <dir>...: run the policies' test_* rules",
  },
  build: {
    load: async () => { const m = await import('./cli/build.js'); return { run: m.buildCommand, usage: m.BUILD_USAGE }; },
    summary: 'build [-o bundle.tar.gz] [--signing-key <pem>] <dir>: an OPA bundle, as opa build makes one',
  },
  check: {
    load: async () => { const m = await import('./cli/check.js'); return { run: m.checkCommand, usage: m.CHECK_USAGE }; },
    summary: 'check [--capabilities <file>] <dir>...: report parse and compile errors with locations',
  },
  capabilities: {
    load: async () => { const m = await import('./cli/capabilities.js'); return { run: m.capabilitiesCommand, usage: m.CAPABILITIES_USAGE }; },
    summary: "capabilities: the supported builtins in OPA's capabilities JSON format",
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: mcp-authz <command> [options]\n       mcp-authz <command> --help\n       mcp-authz --version\n\ncommands:\n${lines.join('\n')}\n`;
}

/** The package version (service/package.json sits one folder above both src/ and dist/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

/** `--help` or `-h` among a command's options (not after `--`, where arguments are taken as they are). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === '-V') {
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
  const loaded = await command.load();
  if (asksForHelp(rest)) {
    io.stdout(loaded.usage.endsWith('\n') ? loaded.usage : `${loaded.usage}\n`);
    return 0;
  }
  return loaded.run(rest, io);
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

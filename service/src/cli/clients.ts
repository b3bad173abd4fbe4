// `mcp-authz clients add`: generates a caller secret and prints it once, with the configuration
// line that registers the caller. Only the secret's SHA-256 goes into the configuration.
import { parseArgs } from 'node:util';
import { generateSecret, hashSecret } from '../callers/secrets.js';
import type { CliIo } from './types.js';

export const CLIENTS_USAGE = `usage: mcp-authz clients add <caller-id> --server <server-id> [--server <id>...] [--admin] [--keep <sha256:...>]

  --server   a server id this caller may ask about (repeatable; required unless --admin)
  --admin    an admin caller (may revoke and manage; all servers unless --server is given)
  --keep     an existing secret hash to keep during a rotation (the caller then has two secrets)
`;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * The same caller as an environment quick form, when one can say it: the form holds the secret
 * itself, cannot hold a second secret (rotation), and names admins by number with all servers.
 */
function environmentForm(id: string, secret: string, servers: string[], admin: boolean, rotating: boolean): string[] {
  if (rotating) return ['(a rotation keeps two secrets: only the configuration file can say that)', ''];
  if (admin && servers.length > 0) return ['(an admin limited to servers: only the configuration file can say that)', ''];
  const line = admin ? `AUTHZ_ADMIN_KEYS='${secret}'` : `AUTHZ_CLIENTS='${id}:${secret}:${servers.join('|')}'`;
  const naming = admin ? '; the admin is then named admin-<n>' : '';
  return [
    `or, to try things, in the environment (the secret itself, hashed at start-up; comma-join several${naming}):`,
    `  ${line}`,
    '',
  ];
}

function add(argv: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      server: { type: 'string', multiple: true },
      admin: { type: 'boolean' },
      keep: { type: 'string' },
    },
  });
  const [id, ...extra] = positionals;
  const servers = values.server ?? [];
  const problems: string[] = [];
  if (id === undefined || extra.length > 0) problems.push('give exactly one caller id');
  else if (!ID.test(id)) problems.push(`caller id "${id}" must match ${ID.source}`);
  for (const s of servers) if (!ID.test(s)) problems.push(`server id "${s}" must match ${ID.source}`);
  if (!values.admin && servers.length === 0) problems.push('--server is required for a resource-server caller');
  if (values.keep !== undefined && !HASH.test(values.keep)) problems.push('--keep must be sha256:<64 hex digits>');
  if (problems.length > 0) {
    io.stderr(`${problems.join('\n')}\n${CLIENTS_USAGE}`);
    return 2;
  }

  const secret = generateSecret();
  const hashes = [hashSecret(secret), ...(values.keep !== undefined ? [values.keep] : [])];
  const role = values.admin ? 'admin' : 'resource_server';
  const serverPart = servers.length > 0 ? `, servers: [${servers.join(', ')}]` : '';
  io.stdout([
    `secret for caller "${id}" (shown once; store it where the caller keeps secrets):`,
    `  ${secret}`,
    '',
    'add under `callers:` in authz.config.yaml (only the SHA-256 of the secret is stored):',
    `  - { id: ${id}, role: ${role}, secret_hashes: [${hashes.map((h) => `"${h}"`).join(', ')}]${serverPart} }`,
    '',
    ...environmentForm(id!, secret, servers, values.admin === true, values.keep !== undefined),
  ].join('\n'));
  return 0;
}

export async function clientsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'add') return add(rest, io);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${CLIENTS_USAGE}`);
    return 2;
  }
  io.stderr(CLIENTS_USAGE);
  return sub === undefined || sub === '--help' || sub === '-h' ? 0 : 2;
}

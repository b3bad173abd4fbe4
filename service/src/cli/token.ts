// `mcp-authz token`: mints an access token from the local development key (never from a configured
// issuer), for trying the service with `serve --dev-issuer` or the demo.
import { parseArgs } from 'node:util';
import { DEV_ISSUER, DEV_ISSUER_DIR, DevKeyError, loadDevKey, mintDevToken, RESERVED_CLAIMS } from '../dev-issuer/index.js';
import type { CliIo } from './types.js';

export const TOKEN_USAGE = `usage: mcp-authz token --aud <resource> [--sub <subject>] [--scope '<scopes>'] [--claim <name>=<value>]... [--ttl <duration>]

Prints an access token of the development issuer ${DEV_ISSUER}, signed with the
key in ./${DEV_ISSUER_DIR}/ (made on first use; git-ignored). Services trust it only when
started with \`mcp-authz serve --dev-issuer\` (or in \`mcp-authz demo\`).

  --aud     audience: the resource URI of the MCP server (repeatable; required)
  --sub     subject (default: dev-user)
  --scope   scopes, space or comma separated, e.g. 'mcp:read mcp:write' (repeatable)
  --claim   another claim; the value is JSON when it parses, else a string:
            --claim org=acme --claim 'roles=["admin"]' (repeatable)
  --ttl     lifetime: seconds, or a number with s, m, h or d (default 1h; at most 30d)
`;

const MAX_TTL_SECONDS = 30 * 86_400;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds of a `--ttl` value such as `90`, `15m` or `2h`; undefined when malformed. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
}

/** One `--claim name=value`: the value is JSON when it parses, a string otherwise. */
export function parseClaim(text: string): [string, unknown] | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0) return undefined;
  const raw = text.slice(eq + 1);
  try {
    return [text.slice(0, eq), JSON.parse(raw) as unknown];
  } catch {
    return [text.slice(0, eq), raw];
  }
}

interface TokenArgs {
  sub: string;
  audiences: string[];
  scopes: string[];
  claims: Record<string, unknown>;
  ttlSeconds: number;
}

function parseTokenArgs(argv: string[]): TokenArgs | string[] {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      aud: { type: 'string', multiple: true },
      sub: { type: 'string' },
      scope: { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
      ttl: { type: 'string' },
    },
  });
  const problems: string[] = [];
  if (positionals.length > 0) problems.push(`unexpected argument "${positionals[0]}"`);
  const audiences = values.aud ?? [];
  if (audiences.length === 0) problems.push('--aud is required (the resource URI of the MCP server)');
  const sub = values.sub ?? 'dev-user';
  if (sub === '') problems.push('--sub must not be empty');
  const ttlSeconds = parseTtl(values.ttl ?? '1h');
  if (ttlSeconds === undefined || ttlSeconds === 0 || ttlSeconds > MAX_TTL_SECONDS) {
    problems.push(`--ttl "${values.ttl}" must be a positive duration of at most 30d, e.g. 900, 15m, 2h`);
  }
  // Object.create(null): a claim named __proto__ is a claim, not a prototype.
  const claims: Record<string, unknown> = Object.create(null);
  for (const text of values.claim ?? []) {
    const claim = parseClaim(text);
    if (claim === undefined) problems.push(`--claim "${text}" must be name=value`);
    else if ((RESERVED_CLAIMS as readonly string[]).includes(claim[0])) problems.push(`--claim ${claim[0]}: set by its own option (--sub, --aud, --scope, --ttl)`);
    else claims[claim[0]] = claim[1];
  }
  if (problems.length > 0) return problems;
  const scopes = (values.scope ?? []).flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '');
  return { sub, audiences, scopes, claims, ttlSeconds: ttlSeconds! };
}

/** The `token` command; `cwd` (where the key folder is) is injectable for tests. */
export function createTokenCommand(cwd?: string) {
  return async (argv: string[], io: CliIo): Promise<number> => {
    let args: TokenArgs | string[];
    try {
      args = parseTokenArgs(argv);
    } catch (err) {
      io.stderr(`${(err as Error).message}\n${TOKEN_USAGE}`);
      return 2;
    }
    if (Array.isArray(args)) {
      io.stderr(`${args.join('\n')}\n${TOKEN_USAGE}`);
      return 2;
    }
    try {
      const key = await loadDevKey(cwd);
      io.stdout(`${await mintDevToken(key, args)}\n`);
      return 0;
    } catch (err) {
      io.stderr(`mcp-authz: ${err instanceof DevKeyError ? err.message : `cannot mint a token: ${(err as Error).message}`}\n`);
      return 1;
    }
  };
}

export const tokenCommand = createTokenCommand();

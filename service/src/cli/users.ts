// `mcp-authz users add`: creates or replaces an account of the built-in authorization server. The
// password comes from standard input (--password-stdin) or is generated and printed once; only its
// scrypt hash is stored, in the users file or in Redis (oauth.users.source).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { createFileUserStore, createSharedUserStore, hashPassword, validateUser, type OAuthUser } from '../oauth/index.js';
import { describeRedis, redisConnectionFromConfig } from '../redis/index.js';
import { createRedisStore } from '../store/index.js';
import type { CliIo } from './types.js';

export const USERS_USAGE = `usage: mcp-authz users add <username> [--sub <subject>] [--scopes <list>] [--claims <json object>] [--password-stdin] [--file <users.yaml>] [--config <authz.config.yaml>]

  --sub             token subject (default: the username)
  --scopes          scopes this user may grant, space or comma separated, e.g. 'mcp:read mcp:write'
                    (default: none stored, so oauth.default_user_scopes applies)
  --claims          extra access-token claims for policies, e.g. '{"roles":["admin"]}'
  --password-stdin  read the password from standard input (otherwise one is generated and printed once)
  --file            users file to write (default: oauth.users.file; ignored when oauth.users.source is redis)
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function add(argv: string[], io: CliIo, stdin: () => Promise<string>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      sub: { type: 'string' },
      scopes: { type: 'string' },
      claims: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      file: { type: 'string' },
      config: { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    io.stderr(`give exactly one username\n${USERS_USAGE}`);
    return 2;
  }
  let claims: Record<string, unknown> | undefined;
  if (values.claims !== undefined) {
    try {
      claims = JSON.parse(values.claims) as Record<string, unknown>;
    } catch {
      io.stderr(`--claims must be a JSON object\n${USERS_USAGE}`);
      return 2;
    }
  }
  const generated = values['password-stdin'] ? undefined : randomBytes(18).toString('base64url');
  const password = generated ?? (await stdin());
  if (password.length < 8) {
    io.stderr('the password must have at least 8 characters\n');
    return 2;
  }
  let user: OAuthUser;
  try {
    const scopes = values.scopes?.split(/[\s,]+/).filter((x) => x !== '');
    user = validateUser({ username: positionals[0], sub: values.sub, claims, scopes, password_hash: await hashPassword(password) }, 'user');
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return 2;
  }

  const env = values.config === undefined ? process.env : { ...process.env, AUTHZ_CONFIG: values.config };
  const config = loadConfig({ env });
  if (config.oauth.users.source === 'redis') {
    const redis = redisConnectionFromConfig(config.redis);
    if (redis === undefined) {
      io.stderr('oauth.users.source is redis but no Redis is configured (redis.url or REDIS_URL, redis.sentinels, redis.cluster)\n');
      return 1;
    }
    const store = createRedisStore({ connection: redis, prefix: config.redis.key_prefix, commandTimeoutMs: 5_000 });
    try {
      if (!(await store.waitReady(5_000))) {
        io.stderr(`cannot reach Redis (${describeRedis(redis)})\n`);
        return 1;
      }
      await createSharedUserStore(store).put(user);
    } finally {
      await store.close();
    }
    io.stdout(`user "${user.username}" (sub "${user.sub}") stored in Redis\n`);
  } else {
    const file = values.file ?? config.oauth.users.file;
    await createFileUserStore(file).put(user);
    io.stdout(`user "${user.username}" (sub "${user.sub}") written to ${file}\n`);
  }
  if (generated !== undefined) io.stdout(`password (shown once): ${generated}\n`);
  return 0;
}

/** The `users` command; `stdin` is injectable for tests. */
export function createUsersCommand(stdin: () => Promise<string> = readStdin) {
  return async (argv: string[], io: CliIo): Promise<number> => {
    const [sub, ...rest] = argv;
    try {
      if (sub === 'add') return await add(rest, io, stdin);
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr(`mcp-authz: ${err.message}\n`);
        return 1;
      }
      io.stderr(`${(err as Error).message}\n${USERS_USAGE}`);
      return 2;
    }
    io.stderr(USERS_USAGE);
    return sub === undefined || sub === '--help' || sub === '-h' ? 0 : 2;
  };
}

export const usersCommand = createUsersCommand();

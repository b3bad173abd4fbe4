// The built-in authorization server's accounts: a YAML file (re-read when it changes) or the shared
// store (Redis, shared by replicas). Only scrypt hashes are kept.
import { AuthzServiceError } from '../errors/index.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import type { SharedStore } from '../store/index.js';
import { isPasswordHash } from './passwords.js';

export interface OAuthUser {
  username: string;
  /** Subject of the tokens; defaults to the username. */
  sub: string;
  password_hash: string;
  /** Extra claims copied into access tokens (e.g. `roles`), for policies. */
  claims?: Record<string, unknown>;
  /** The scopes this user may grant a client; absent means `oauth.default_user_scopes`. */
  scopes?: string[];
}

export interface UserStore {
  find(username: string): Promise<OAuthUser | undefined>;
  findBySub(sub: string): Promise<OAuthUser | undefined>;
  /** Adds or replaces a user. */
  put(user: OAuthUser): Promise<void>;
}

export class UserStoreError extends AuthzServiceError<'ERR_OAUTH_USERS'> {
  readonly code = 'ERR_OAUTH_USERS';
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
// RFC 6749 §3.3 scope-token.
const SCOPE = /^[!#-[\]-~]+$/;

/** Throws UserStoreError naming the first bad field. */
export function validateUser(value: unknown, where: string): OAuthUser {
  const u = value as Partial<OAuthUser> | null;
  if (u === null || typeof u !== 'object') throw new UserStoreError(`${where}: must be a mapping`);
  if (typeof u.username !== 'string' || !USERNAME.test(u.username)) throw new UserStoreError(`${where}.username: must match ${USERNAME.source}`);
  if (typeof u.password_hash !== 'string' || !isPasswordHash(u.password_hash)) throw new UserStoreError(`${where}.password_hash: must be an scrypt hash (mcp-authz users add)`);
  if (u.sub !== undefined && (typeof u.sub !== 'string' || u.sub === '')) throw new UserStoreError(`${where}.sub: must be a non-empty string`);
  if (u.claims !== undefined && (typeof u.claims !== 'object' || u.claims === null || Array.isArray(u.claims))) throw new UserStoreError(`${where}.claims: must be a mapping`);
  if (u.scopes !== undefined && (!Array.isArray(u.scopes) || u.scopes.some((x) => typeof x !== 'string' || !SCOPE.test(x)))) {
    throw new UserStoreError(`${where}.scopes: must be a list of scope names`);
  }
  return {
    username: u.username, sub: u.sub ?? u.username, password_hash: u.password_hash,
    ...(u.claims !== undefined ? { claims: u.claims } : {}),
    ...(u.scopes !== undefined ? { scopes: [...new Set(u.scopes)] } : {}),
  };
}

/** Reads a users file: `users: [{ username, password_hash, sub?, claims?, scopes? }]`. A missing file is empty. */
export async function readUsersFile(path: string): Promise<OAuthUser[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const doc = (parse(text) ?? {}) as { users?: unknown };
  if (doc.users === undefined) return [];
  if (!Array.isArray(doc.users)) throw new UserStoreError(`${path}: users must be a list`);
  return doc.users.map((u, i) => validateUser(u, `${path}: users[${i}]`));
}

export function createFileUserStore(path: string): UserStore {
  let cached: { mtimeMs: number; users: OAuthUser[] } | undefined;
  const load = async (): Promise<OAuthUser[]> => {
    const mtimeMs = await stat(path).then((s) => s.mtimeMs, () => -1);
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, users: await readUsersFile(path) };
    return cached.users;
  };
  return {
    find: async (username) => (await load()).find((u) => u.username === username),
    findBySub: async (sub) => (await load()).find((u) => u.sub === sub),
    async put(user) {
      const users = (await readUsersFile(path)).filter((u) => u.username !== user.username);
      users.push(user);
      await writeFile(path, stringify({ users }), { mode: 0o600 });
      cached = undefined;
    },
  };
}

// Accounts are meant to last: the store's mandatory expiry is set far out and renewed by `put`.
const USER_TTL_MS = 10 * 365 * 86_400_000;

export function createSharedUserStore(store: SharedStore): UserStore {
  const byName = (username: string): string => `oauth:users:name:${username}`;
  const bySub = (sub: string): string => `oauth:users:sub:${sub}`;
  const read = async (key: string): Promise<OAuthUser | undefined> => {
    const raw = await store.get(key);
    return raw === undefined ? undefined : validateUser(JSON.parse(raw), key);
  };
  return {
    find: (username) => read(byName(username)),
    async findBySub(sub) {
      const username = await store.get(bySub(sub));
      return username === undefined ? undefined : read(byName(username));
    },
    async put(user) {
      await store.set(byName(user.username), JSON.stringify(user), USER_TTL_MS);
      await store.set(bySub(user.sub), user.username, USER_TTL_MS);
    },
  };
}

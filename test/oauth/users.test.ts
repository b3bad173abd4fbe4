// Accounts: scrypt hashes checked in constant time, the users file, and `mcp-authz users add`.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsersCommand } from '../../service/src/cli/users.js';
import { createFileUserStore, createSharedUserStore, hashPassword, validateUser, verifyPassword } from '../../service/src/oauth/index.js';
import { createMemoryStore } from '../../service/src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-authz-users-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('passwords', () => {
  test('scrypt hash verifies the password and nothing else', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$16384\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsE', hash), false);
    assert.equal(await verifyPassword('anything', undefined), false);
    assert.equal(await verifyPassword('anything', 'plain-text'), false);
  });
});

describe('mcp-authz users add', () => {
  test('writes the hash (never the password) to the configured users file', async () => {
    const usersFile = join(dir, 'users.yaml');
    const configFile = join(dir, 'authz.config.yaml');
    writeFileSync(configFile, `oauth:\n  users:\n    file: ${JSON.stringify(usersFile)}\n`);
    const out: string[] = [];
    const run = createUsersCommand(async () => 'a long enough password');
    const code = await run(['add', 'alice', '--password-stdin', '--config', configFile, '--claims', '{"roles":["admin"]}'], { stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
    assert.equal(code, 0, out.join(''));
    const text = readFileSync(usersFile, 'utf8');
    assert.doesNotMatch(text, /a long enough password/);
    const user = await createFileUserStore(usersFile).find('alice');
    assert.equal(user?.sub, 'alice');
    assert.deepEqual(user?.claims, { roles: ['admin'] });
    assert.equal(await verifyPassword('a long enough password', user?.password_hash), true);
  });

  test('generates and prints a password when none is given', async () => {
    const usersFile = join(dir, 'generated.yaml');
    const configFile = join(dir, 'generated.config.yaml');
    writeFileSync(configFile, `oauth:\n  users:\n    file: ${JSON.stringify(usersFile)}\n`);
    const out: string[] = [];
    assert.equal(await createUsersCommand()(['add', 'bob', '--sub', 'user-42', '--config', configFile], { stdout: (s) => out.push(s), stderr: (s) => out.push(s) }), 0);
    const password = /password \(shown once\): (\S+)/.exec(out.join(''))![1]!;
    const user = await createFileUserStore(usersFile).findBySub('user-42');
    assert.equal(await verifyPassword(password, user?.password_hash), true);
  });

  test('--scopes stores the scopes the user may grant; without it none are stored', async () => {
    const usersFile = join(dir, 'scoped.yaml');
    const configFile = join(dir, 'scoped.config.yaml');
    writeFileSync(configFile, `oauth:\n  users:\n    file: ${JSON.stringify(usersFile)}\n`);
    const io = { stdout: () => undefined, stderr: () => undefined };
    assert.equal(await createUsersCommand(async () => 'a long enough password')(['add', 'erin', '--scopes', 'mcp:read, mcp:write', '--password-stdin', '--config', configFile], io), 0);
    assert.equal(await createUsersCommand(async () => 'a long enough password')(['add', 'finn', '--password-stdin', '--config', configFile], io), 0);
    const store = createFileUserStore(usersFile);
    assert.deepEqual((await store.find('erin'))?.scopes, ['mcp:read', 'mcp:write']);
    assert.equal((await store.find('finn'))?.scopes, undefined);
    const hash = (await store.find('erin'))!.password_hash;
    assert.throws(() => validateUser({ username: 'g', password_hash: hash, scopes: 'mcp:read' }, 'u'), /u\.scopes: must be a list/);
  });

  test('refuses bad input with exit code 2', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined };
    assert.equal(await createUsersCommand(async () => 'short')(['add', 'carol', '--password-stdin'], io), 2);
    assert.equal(await createUsersCommand()(['add', 'bad name!'], io), 2);
    assert.equal(await createUsersCommand()(['add'], io), 2);
  });
});

describe('shared user store', () => {
  test('finds users by name and by subject', async () => {
    const users = createSharedUserStore(createMemoryStore());
    await users.put({ username: 'dana', sub: 'd-1', password_hash: await hashPassword('pw-pw-pw-pw') });
    assert.equal((await users.find('dana'))?.sub, 'd-1');
    assert.equal((await users.findBySub('d-1'))?.username, 'dana');
    assert.equal(await users.find('nobody'), undefined);
  });
});

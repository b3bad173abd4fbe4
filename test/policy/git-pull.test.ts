// pullPolicyRepo against a real local git repository: clone, fast-forward, failures that keep the
// checkout, and arguments that cannot become git options or shell commands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitPullError, pullPolicyRepo } from '../../service/src/policy/index.js';
import { createPolicyRepo, git, type PolicyRepo } from '../support/git-repo.js';

let repo: PolicyRepo;
before(async () => {
  repo = await createPolicyRepo();
});
after(() => repo.close());

let n = 0;
/** A fresh checkout directory path (not created) under the repo's scratch root. */
const checkoutDir = (): string => join(repo.root, `checkout-${++n}`);

/** Asserts a GitPullError with the given reason whose message matches `pattern`. */
async function rejectsWith(p: Promise<unknown>, reason: string, pattern: RegExp): Promise<GitPullError> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof GitPullError, `expected a GitPullError, got ${String(caught)}`);
  assert.equal(caught.code, 'policy_git_error');
  assert.equal(caught.reason, reason);
  assert.match(caught.message, pattern);
  return caught;
}

describe('pullPolicyRepo', () => {
  test('clones on the first run and fast-forwards on later runs', async () => {
    const dir = checkoutDir();
    const first = await pullPolicyRepo({ url: repo.url, branch: 'main', dir });
    assert.equal(first, await repo.head());
    assert.equal(readFileSync(join(dir, 'mcp', 'authz.rego'), 'utf8'), readFileSync(join(repo.root, 'work', 'mcp', 'authz.rego'), 'utf8'));

    assert.equal(await pullPolicyRepo({ url: repo.url, branch: 'main', dir }), first, 'nothing new: same commit');

    const second = await repo.commit({ 'mcp/extra.json': '{"x": 1}\n', 'mcp/authz_test.rego': null }, 'second');
    // A stray local edit and file: the directory is owned by the service and follows the branch exactly.
    writeFileSync(join(dir, 'mcp', 'data.json'), '{"edited": true}');
    writeFileSync(join(dir, 'stray.rego'), 'package stray');
    assert.equal(await pullPolicyRepo({ url: repo.url, branch: 'main', dir }), second);
    assert.equal(await git(['rev-parse', 'HEAD'], dir), second);
    assert.equal(readFileSync(join(dir, 'mcp', 'extra.json'), 'utf8'), '{"x": 1}\n');
    assert.equal(existsSync(join(dir, 'mcp', 'authz_test.rego')), false, 'a file deleted upstream is gone');
    assert.equal(existsSync(join(dir, 'stray.rego')), false);
    assert.doesNotMatch(readFileSync(join(dir, 'mcp', 'data.json'), 'utf8'), /edited/);
  });

  test('clones into an existing empty directory; refuses a non-empty one that is not a checkout', async () => {
    const empty = checkoutDir();
    mkdirSync(empty);
    assert.equal(await pullPolicyRepo({ url: repo.url, branch: 'main', dir: empty }), await repo.head());

    const occupied = checkoutDir();
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'local.rego'), 'package local');
    await rejectsWith(pullPolicyRepo({ url: repo.url, branch: 'main', dir: occupied }), 'git_failed', /not empty and not a git checkout/);
    assert.deepEqual(readdirSync(occupied), ['local.rego'], 'the directory is untouched');
  });

  test('a bad URL or a missing branch is a typed error naming the problem, and the checkout is kept', async () => {
    const dir = checkoutDir();
    const commit = await pullPolicyRepo({ url: repo.url, branch: 'main', dir });
    const before = readFileSync(join(dir, 'mcp', 'authz.rego'), 'utf8');

    await rejectsWith(pullPolicyRepo({ url: join(repo.root, 'missing.git'), branch: 'main', dir }), 'git_failed', /git fetch failed: .*missing\.git/);
    await rejectsWith(pullPolicyRepo({ url: repo.url, branch: 'no-such-branch', dir }), 'git_failed', /git fetch failed: .*no-such-branch/);
    assert.equal(await git(['rev-parse', 'HEAD'], dir), commit);
    assert.equal(readFileSync(join(dir, 'mcp', 'authz.rego'), 'utf8'), before);

    // On a first run the same failures leave no half-made checkout behind.
    const fresh = checkoutDir();
    await rejectsWith(pullPolicyRepo({ url: repo.url, branch: 'no-such-branch', dir: fresh }), 'git_failed', /git clone failed: .*no-such-branch/);
    await rejectsWith(pullPolicyRepo({ url: join(repo.root, 'missing.git'), branch: 'main', dir: fresh }), 'git_failed', /git clone failed: .*missing\.git/);
    assert.equal(existsSync(join(fresh, '.git')), false);
  });

  test('a changed URL takes effect on an existing checkout', async () => {
    const dir = checkoutDir();
    await pullPolicyRepo({ url: repo.url, branch: 'main', dir });
    const mirror = join(repo.root, `mirror-${n}.git`);
    await git(['clone', '--quiet', '--bare', repo.bareDir, mirror]);
    const work = join(repo.root, `mirror-work-${n}`);
    await git(['clone', '--quiet', mirror, work]);
    writeFileSync(join(work, 'mirror.json'), '{}');
    await git(['add', '-A'], work);
    await git(['commit', '--quiet', '-m', 'mirror only'], work);
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], work);
    const mirrorHead = await git(['rev-parse', 'HEAD'], work);
    assert.equal(await pullPolicyRepo({ url: mirror, branch: 'main', dir }), mirrorHead);
    assert.equal(existsSync(join(dir, 'mirror.json')), true);
  });

  test('URL and branch cannot inject git options, remote helpers or shell commands', async () => {
    const dir = checkoutDir();
    const commit = await pullPolicyRepo({ url: repo.url, branch: 'main', dir });
    const marker = join(repo.root, `pwned-${n}`);
    const payload = `--upload-pack=touch ${marker}`;

    for (const branch of [payload, '-b', 'main:refs/heads/other', 'a..b', 'main~1', 'with space', 'x/.hidden', 'x.lock', 'ref@{0}', 'tab\tname', '']) {
      await rejectsWith(pullPolicyRepo({ url: repo.url, branch, dir }), 'invalid_branch', /invalid git branch name/);
      await rejectsWith(pullPolicyRepo({ url: repo.url, branch, dir: checkoutDir() }), 'invalid_branch', /invalid git branch name/);
    }
    for (const url of [payload, '-c', '', `${repo.url}\n--upload-pack=x`]) {
      await rejectsWith(pullPolicyRepo({ url, branch: 'main', dir }), 'invalid_url', /invalid git url/);
    }
    // `ext::` remote helpers run commands: the transport is not allowed at all.
    await rejectsWith(pullPolicyRepo({ url: `ext::sh -c touch% ${marker}`, branch: 'main', dir }), 'git_failed', /git fetch failed/);
    await rejectsWith(pullPolicyRepo({ url: `ext::sh -c touch% ${marker}`, branch: 'main', dir: checkoutDir() }), 'git_failed', /git clone failed/);
    // No shell: command substitution in a path stays literal.
    await rejectsWith(pullPolicyRepo({ url: join(repo.root, `$(touch ${marker})`), branch: 'main', dir }), 'git_failed', /git fetch failed/);
    await rejectsWith(pullPolicyRepo({ url: `${repo.url}; touch ${marker}`, branch: 'main', dir: checkoutDir() }), 'git_failed', /git clone failed/);

    assert.equal(existsSync(marker), false, 'nothing was executed');
    assert.equal(await git(['rev-parse', 'HEAD'], dir), commit);
  });

  test('credentials in the URL never appear in the error', async () => {
    const err = await rejectsWith(
      pullPolicyRepo({ url: 'http://policy-bot:s3cret-token@127.0.0.1:1/policies.git', branch: 'main', dir: checkoutDir(), timeoutMs: 10_000 }),
      'git_failed',
      /git clone failed/,
    );
    assert.doesNotMatch(err.message, /s3cret-token/);
    const invalid = await rejectsWith(pullPolicyRepo({ url: '-http://bot:s3cret-token@host/x', branch: 'main', dir: checkoutDir() }), 'invalid_url', /invalid git url/);
    assert.doesNotMatch(invalid.message, /s3cret-token/);
  });
});

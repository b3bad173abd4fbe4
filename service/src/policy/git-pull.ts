// Pulls a policy git repository into POLICY_DIR with the git CLI (execFile, never a shell).
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface GitPullOptions {
  url: string;
  branch: string;
  dir: string;
  timeoutMs?: number;
}

export class GitPullError extends Error {
  readonly code = 'policy_git_error';
  constructor(message: string) {
    super(message);
    this.name = 'GitPullError';
  }
}

function git(args: string[], cwd: string | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, timeout: timeoutMs, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
      if (err) reject(new GitPullError(`git ${args[0]} failed: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout).trim());
    });
  });
}

/**
 * Clones the branch on first use, afterwards fetches it and moves the work tree to it exactly
 * (the directory is owned by the service). Returns the checked-out commit.
 */
export async function pullPolicyRepo(options: GitPullOptions): Promise<string> {
  const timeout = options.timeoutMs ?? 60_000;
  // Values starting with '-' would be read as options by git.
  if (options.url.startsWith('-') || options.branch.startsWith('-')) throw new GitPullError('git url and branch must not start with "-"');
  const isRepo = await stat(join(options.dir, '.git')).then(
    () => true,
    () => false,
  );
  if (!isRepo) {
    await git(['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', options.branch, '--', options.url, options.dir], undefined, timeout);
  } else {
    await git(['fetch', '--quiet', '--depth', '1', 'origin', options.branch], options.dir, timeout);
    await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], options.dir, timeout);
    await git(['clean', '--quiet', '-fd'], options.dir, timeout);
  }
  return git(['rev-parse', 'HEAD'], options.dir, timeout);
}

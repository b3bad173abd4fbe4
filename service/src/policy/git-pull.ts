// Pulls a policy git repository into POLICY_DIR with the git CLI (execFile, never a shell).
import { AuthzServiceError } from '../errors/index.js';
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface GitPullOptions {
  url: string;
  branch: string;
  dir: string;
  timeoutMs?: number;
}

/** `invalid_url` / `invalid_branch`: refused before git runs; `git_failed`: git itself failed. */
export type GitPullFailure = 'invalid_url' | 'invalid_branch' | 'git_failed';

export class GitPullError extends AuthzServiceError<'policy_git_error'> {
  readonly code = 'policy_git_error';
  constructor(
    readonly reason: GitPullFailure,
    message: string,
  ) {
    super(message);
    this.name = 'GitPullError';
  }
}

/**
 * Transports git may use. Remote helpers such as `ext::` run arbitrary commands, so the URL's
 * protocol is allow-listed (GIT_ALLOW_PROTOCOL overrides any protocol.* configuration).
 */
const ALLOWED_PROTOCOLS = 'file:git:http:https:ssh';

/** Credentials in a URL's user-info part never reach error messages (and so never reach logs). */
function redact(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1***@');
}

/** Control characters (and, with `space`, the blank) have no place in a URL or a ref name. */
function hasControl(text: string, space = false): boolean {
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f || (space && c === 0x20)) return true;
  }
  return false;
}

function validateUrl(url: string): void {
  // A leading '-' would be read as an option.
  if (url === '' || url.startsWith('-') || hasControl(url)) {
    throw new GitPullError('invalid_url', `invalid git url "${redact(url)}": empty, starting with "-" or containing control characters`);
  }
}

/** The rules of `git check-ref-format --branch`, checked here so no odd name reaches git. */
function validateBranch(branch: string): void {
  const bad =
    branch === '' ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch === '@' ||
    hasControl(branch, true) ||
    /[~^:?*[\\]/.test(branch) ||
    /\.\.|\/\/|@\{|(^|\/)\./.test(branch);
  if (bad) throw new GitPullError('invalid_branch', `invalid git branch name "${branch}"`);
}

function git(args: string[], cwd: string | undefined, timeoutMs: number): Promise<string> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS, LC_ALL: 'C' };
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, timeout: timeoutMs, windowsHide: true, env }, (err, stdout, stderr) => {
      if (err) reject(new GitPullError('git_failed', redact(`git ${args[0]} failed: ${String(stderr).trim() || err.message}`)));
      else resolve(String(stdout).trim());
    });
  });
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

/**
 * Clones the branch on first use, afterwards fetches it from the configured URL (so a changed URL
 * takes effect) and moves the work tree to it exactly (the directory is owned by the service).
 * On any failure the existing checkout is left as it was. Returns the checked-out commit.
 */
export async function pullPolicyRepo(options: GitPullOptions): Promise<string> {
  const timeout = options.timeoutMs ?? 60_000;
  validateUrl(options.url);
  validateBranch(options.branch);
  const isRepo = await stat(join(options.dir, '.git')).then(
    () => true,
    () => false,
  );
  if (!isRepo) {
    if (!(await isEmptyOrMissing(options.dir))) {
      throw new GitPullError('git_failed', `policy directory ${options.dir} is not empty and not a git checkout; cannot clone into it`);
    }
    await git(['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', options.branch, '--', options.url, options.dir], undefined, timeout);
  } else {
    await git(['fetch', '--quiet', '--depth', '1', '--', options.url, `refs/heads/${options.branch}`], options.dir, timeout);
    await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], options.dir, timeout);
    await git(['clean', '--quiet', '-fd'], options.dir, timeout);
  }
  return git(['rev-parse', 'HEAD'], options.dir, timeout);
}

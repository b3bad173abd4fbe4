// Reads the git commit of a policy directory (when it is a git work tree) and commit ancestry, without a shell.
import { execFile } from 'node:child_process';

const COMMIT = /^[0-9a-f]{40,64}$/;

/** HEAD commit of the work tree holding `dir`, or undefined (not a work tree, no git, no commits). */
export function readGitCommit(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const commit = String(stdout).trim();
      resolve(!err && COMMIT.test(commit) ? commit : undefined);
    });
  });
}

/**
 * Whether `ancestor` is an ancestor of (or equal to) `descendant` in the repository holding `dir`;
 * undefined when git cannot tell (either commit unknown there, e.g. a shallow clone, or no git).
 */
export function isGitAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean | undefined> {
  if (!COMMIT.test(ancestor) || !COMMIT.test(descendant)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd: dir, timeout: 5000, windowsHide: true }, (err) => {
      if (!err) resolve(true);
      else resolve((err as { code?: unknown }).code === 1 ? false : undefined);
    });
  });
}

// Reads the git commit of a policy directory (when it is a git work tree) without a shell.
import { execFile } from 'node:child_process';

/** HEAD commit of the work tree holding `dir`, or undefined (not a work tree, no git, no commits). */
export function readGitCommit(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const commit = String(stdout).trim();
      resolve(!err && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined);
    });
  });
}

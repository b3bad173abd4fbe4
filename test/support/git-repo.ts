// A real local git "remote" for policy pull tests: a bare repository in a temp dir, seeded with the
// reference policies through a work clone, plus helpers to push further commits (no network).
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REFERENCE_POLICIES = fileURLToPath(new URL('../../policies', import.meta.url));

/** Runs git with a fixed identity, independent of the machine's git configuration. */
export async function git(args: string[], cwd?: string): Promise<string> {
  const base = ['-c', 'user.name=mcp-authz test', '-c', 'user.email=test@mcp.test', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];
  const { stdout } = await run('git', [...base, ...args], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return stdout.trim();
}

export interface PolicyRepo {
  /** Scratch root holding the bare repository, the work clone and anything else a test needs. */
  readonly root: string;
  readonly bareDir: string;
  /** `file://` URL of the bare repository. */
  readonly url: string;
  /** Writes (string) or deletes (null) files in the work clone, commits, pushes; returns the commit. */
  commit(files: Record<string, string | null>, message: string, branch?: string): Promise<string>;
  /** Head commit of a branch in the bare repository. */
  head(branch?: string): Promise<string>;
  close(): void;
}

export async function createPolicyRepo(): Promise<PolicyRepo> {
  const root = mkdtempSync(join(tmpdir(), 'mcp-authz-git-'));
  const bareDir = join(root, 'origin.git');
  const work = join(root, 'work');
  await git(['init', '--quiet', '--bare', bareDir]);
  await git(['clone', '--quiet', bareDir, work]);
  cpSync(REFERENCE_POLICIES, work, { recursive: true });
  await git(['add', '-A'], work);
  await git(['commit', '--quiet', '-m', 'reference policies'], work);
  await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], work);

  return {
    root,
    bareDir,
    url: pathToFileURL(bareDir).href,
    async commit(files, message, branch = 'main') {
      for (const [path, content] of Object.entries(files)) {
        const full = join(work, path);
        if (content === null) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      await git(['add', '-A'], work);
      await git(['commit', '--quiet', '-m', message], work);
      await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], work);
      return git(['rev-parse', 'HEAD'], work);
    },
    head: (branch = 'main') => git(['rev-parse', `refs/heads/${branch}`], bareDir),
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

import { INITIAL_COMMIT_MESSAGE } from '../core/defaults.js';

export type GitOutcome =
  | { kind: 'committed' }
  | { kind: 'skipped'; reason: string }
  /** The repository exists but the commit failed (typically no user identity): it is kept. */
  | { kind: 'not-committed'; reason: string; fix: string }
  | { kind: 'failed'; reason: string };

/**
 * `git init` + `git add -A` + first commit, unless git is missing or the project already lives
 * inside a work tree (a monorepo, or `.` in an existing repo): then it is the user's repo, not ours.
 */
export async function initGitRepository(cwd: string): Promise<GitOutcome> {
  const { execa } = await import('execa');
  const git = (...args: string[]) => execa('git', args, { cwd, reject: false, stdin: 'ignore' });

  const version = await git('--version');
  if (version.failed) return { kind: 'skipped', reason: 'git is not installed' };

  const inside = await git('rev-parse', '--is-inside-work-tree');
  if (!inside.failed && String(inside.stdout).trim() === 'true') {
    return { kind: 'skipped', reason: 'the project is already inside a git repository' };
  }

  const init = await git('init');
  if (init.failed) return { kind: 'failed', reason: `git init failed: ${lastLine(init.stderr)}` };
  const add = await git('add', '-A');
  if (add.failed) return { kind: 'failed', reason: `git add failed: ${lastLine(add.stderr)}` };

  const commit = await git('commit', '-m', INITIAL_COMMIT_MESSAGE);
  if (commit.failed) {
    const output = `${String(commit.stderr)}\n${String(commit.stdout)}`;
    const noIdentity = /user\.email|user\.name|tell me who you are|identity/i.test(output);
    return {
      kind: 'not-committed',
      reason: noIdentity ? 'git has no user name/email configured' : `git commit failed: ${lastLine(output)}`,
      fix: noIdentity
        ? `git config --global user.name "Your Name" && git config --global user.email you@example.com && git commit -m "${INITIAL_COMMIT_MESSAGE}"`
        : `git commit -m "${INITIAL_COMMIT_MESSAGE}"`,
    };
  }
  return { kind: 'committed' };
}

function lastLine(text: unknown): string {
  return (
    String(text ?? '')
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1) ?? 'unknown error'
  );
}

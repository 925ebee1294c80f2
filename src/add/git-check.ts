import { CliError } from '../core/errors.js';
import type { Ui } from '../ui/ui.js';

/**
 * `add` (and `upgrade`) change files in place, so it wants a clean git work tree:
 * then `git diff` shows exactly what it did
 * and `git checkout .` undoes it. Only the project directory counts (other changes in a monorepo do not).
 * execa is imported here, on this path only.
 */
export type GitState =
  | { kind: 'clean' }
  | { kind: 'dirty'; files: string[] }
  /** Not a repository, or git is not installed: nothing to protect with, the caller warns. */
  | { kind: 'unavailable'; reason: string };

export async function gitState(dir: string): Promise<GitState> {
  const { execa } = await import('execa');
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=normal', '--', '.'], {
    cwd: dir,
    reject: false,
    stdin: 'ignore',
  });
  if (status.failed) {
    if ((status as { code?: string }).code === 'ENOENT') return { kind: 'unavailable', reason: 'git is not installed' };
    return { kind: 'unavailable', reason: 'the project is not in a git repository' };
  }
  const files = String(status.stdout)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.slice(3));
  return files.length === 0 ? { kind: 'clean' } : { kind: 'dirty', files };
}

/**
 * Refuse to change a project whose work tree has uncommitted changes (`--no-git-check` skips this), so the
 * user can review and undo exactly what `command` did; outside git, warn that nothing can undo it.
 */
export async function refuseDirtyTree(dir: string, command: string, ui: Ui): Promise<void> {
  const state = await gitState(dir);
  if (state.kind === 'dirty') {
    const shown =
      state.files.slice(0, 5).join(', ') + (state.files.length > 5 ? ` and ${state.files.length - 5} more` : '');
    throw new CliError(
      `the git work tree has uncommitted changes (${shown}). ${command} edits files in place: ` +
        `commit or stash first, so git shows exactly what it changed ` +
        `and can undo it, or pass --no-git-check`,
    );
  }
  if (state.kind === 'unavailable') ui.warn(`${state.reason}: git cannot undo this change, so keep the diff below`);
}

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { PlannedFile } from '../core/types.js';
import { describeFsError, errorCode, lstatOrUndefined, type WriterFs } from './fs.js';
import { describeEntries } from '../core/target-state.js';
import { inspectTarget, stagingDirFor, stagingDirOwner, USER_OWNED_FILES } from './target.js';

/**
 * All-or-nothing project writer.
 *
 * Every file is first written to a hidden staging directory next to the target (same parent, so
 * the final moves are renames on one filesystem). Then:
 * - target missing → a single rename of the staged tree onto the target;
 * - target exists (empty, harmless entries only, or `force`) → files move in one by one; a file that
 *   will be overwritten is first moved into the staging area as a backup, and any failure (or an
 *   abort via `signal`) undoes the moves in reverse, so the target ends exactly as it was.
 * Nothing outside the planned paths is ever deleted, and no write goes through a symbolic link.
 * User-owned files (`.env`) that already exist are kept, even with `force`.
 *
 * If the process is killed outright (SIGKILL, a crash), a new target is either absent or complete
 * (the rename is the commit), and the staging directory is left behind. Its name carries the pid of
 * its run; the next run for the same target removes it once that process is gone, unless it holds
 * backups of overwritten files (a kill while moving into an existing target), which are kept and reported.
 */

export interface WriteProjectOptions {
  fs: WriterFs;
  /** Absolute path. */
  targetDir: string;
  files: readonly PlannedFile[];
  /** Allow a target with user content, overwriting planned paths that already exist. */
  force: boolean;
  /** Abort (e.g. on SIGINT): the writer rolls back and rejects with `WriteAbortedError`. */
  signal?: AbortSignal;
  /** Suffix for the staging directory name (`<pid>-<8 hex>`); tests pass a fixed one. */
  randomSuffix?: () => string;
  /** Whether a process is running: decides whether a leftover staging directory is stale. Tests inject it. */
  isProcessAlive?: (pid: number) => boolean;
}

export interface WriteProjectResult {
  /** True when the target did not exist before. */
  createdTarget: boolean;
  /** Planned paths now on disk, in plan order. */
  written: string[];
  /** Planned paths that replaced an existing file (only possible with `force`). */
  overwritten: string[];
  /** Planned user-owned files (`.env`) that already existed and were left as they were. */
  kept: string[];
  /** Staging directories of earlier, interrupted runs that were removed: they held generated files only. */
  removedLeftovers: string[];
  /** Staging directories of earlier, interrupted runs that were kept: they hold originals of overwritten files. */
  leftoversWithBackups: string[];
}

/** An expected problem with the target (in the way, not empty, a symlink…): report the message, exit 1. */
export class WriteError extends Error {
  override name = 'WriteError';
}

/** The write was interrupted and has been rolled back. */
export class WriteAbortedError extends Error {
  override name = 'WriteAbortedError';
  constructor() {
    super('writing was interrupted; nothing was changed');
  }
}

export async function writeProject(options: WriteProjectOptions): Promise<WriteProjectResult> {
  const { fs, targetDir, files: plannedFiles, force, signal } = options;
  assertPlanPathsAreSafe(plannedFiles);
  const throwIfAborted = () => {
    if (signal?.aborted) throw new WriteAbortedError();
  };

  const state = await inspectTarget(fs, targetDir);
  if (state.kind === 'unusable') throw new WriteError(state.reason);
  if (state.kind === 'not-empty' && !force) {
    throw new WriteError(
      `${targetDir} is not empty (${describeEntries(state.entries)}); ` +
        `choose another directory, or pass --force to write into it (only generated files are overwritten)`,
    );
  }
  const { files, kept } =
    state.kind === 'missing'
      ? { files: plannedFiles, kept: [] }
      : await checkExistingTarget(fs, targetDir, plannedFiles, force);
  throwIfAborted();

  let createdParent: string | undefined;
  let staging: string | undefined;
  let keepStaging = false;
  try {
    const leftovers = await clearLeftoverStaging(fs, targetDir, options.isProcessAlive ?? isProcessAlive);
    const done = (result: { createdTarget: boolean; overwritten: string[] }): WriteProjectResult => ({
      ...result,
      written: files.map((file) => file.path),
      kept,
      removedLeftovers: leftovers.removed,
      leftoversWithBackups: leftovers.withBackups,
    });
    createdParent = await createMissingParents(fs, path.dirname(targetDir));
    staging = await createStagingDir(fs, targetDir, options.randomSuffix);
    const stagedProject = path.join(staging, 'project');
    await fs.mkdir(stagedProject);
    await writeStagedFiles(fs, stagedProject, files, throwIfAborted);
    throwIfAborted();

    if (state.kind === 'missing') {
      await fs.rename(stagedProject, targetDir);
      // An interrupt that arrived during the commit still means "nothing written", as long as we can undo it.
      if (
        signal?.aborted &&
        (await fs.rename(targetDir, stagedProject).then(
          () => true,
          () => false,
        ))
      ) {
        throw new WriteAbortedError();
      }
      return done({ createdTarget: true, overwritten: [] });
    }
    const moved = await moveIntoExistingTarget({ fs, stagedProject, staging, targetDir, files, throwIfAborted });
    keepStaging = moved.keepStaging;
    if (moved.error) throw moved.error;
    return done({ createdTarget: false, overwritten: moved.overwritten });
  } catch (error) {
    if (createdParent) await fs.rm(createdParent, { recursive: true, force: true }).catch(() => {});
    throw asWriteError(error, targetDir);
  } finally {
    // The staging area only survives when a rollback could not restore a user's file: it holds the original.
    if (staging && !keepStaging) await removeStaging(fs, staging);
  }
}

/** File-system failures (permissions, read-only, disk full…) are expected problems: one line, no stack. */
function asWriteError(error: unknown, targetDir: string): unknown {
  if (error instanceof WriteError || error instanceof WriteAbortedError || errorCode(error) === undefined) return error;
  return new WriteError(`could not write ${targetDir}: ${describeFsError(error)}; it was left as it was`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM'; // exists, but belongs to someone else
  }
}

/**
 * Staging directories of this target whose run is gone (killed before it could clean up). Those holding
 * only generated files are removed; those holding backups of overwritten user files are kept and reported.
 */
async function clearLeftoverStaging(
  fs: WriterFs,
  targetDir: string,
  isAlive: (pid: number) => boolean,
): Promise<{ removed: string[]; withBackups: string[] }> {
  const removed: string[] = [];
  const withBackups: string[] = [];
  const parent = path.dirname(targetDir);
  let entries: string[];
  try {
    entries = (await fs.readdir(parent)).map(String).sort();
  } catch {
    return { removed, withBackups }; // no parent yet: nothing can be left over
  }
  for (const entry of entries) {
    const owner = stagingDirOwner(targetDir, entry);
    if (owner === undefined || owner === process.pid || isAlive(owner)) continue;
    const leftover = path.join(parent, entry);
    const backups = await fs.readdir(path.join(leftover, 'backup')).catch(() => []);
    if (backups.length > 0) {
      withBackups.push(leftover);
      continue;
    }
    await fs.rm(leftover, { recursive: true, force: true });
    removed.push(leftover);
  }
  return { removed, withBackups };
}

/** Planner output is trusted, but a bad path here could write outside the target, so check anyway. */
function assertPlanPathsAreSafe(files: readonly PlannedFile[]): void {
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  for (const { path: filePath } of files) {
    const segments = filePath.split('/');
    const unsafe =
      filePath === '' ||
      filePath.includes('\\') ||
      path.isAbsolute(filePath) ||
      /^[A-Za-z]:/.test(filePath) ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..');
    if (unsafe) throw new Error(`the plan contains an unsafe path: ${JSON.stringify(filePath)}`);
    if (filePaths.has(filePath)) throw new Error(`the plan contains ${filePath} twice`);
    filePaths.add(filePath);
    for (let i = 1; i < segments.length; i++) dirPaths.add(segments.slice(0, i).join('/'));
  }
  for (const filePath of filePaths) {
    if (dirPaths.has(filePath)) throw new Error(`the plan uses ${filePath} both as a file and as a directory`);
  }
}

/**
 * Check every planned path against what is on disk before moving anything, so refusals need no rollback.
 * Returns the files to write: user-owned files that already exist are left out (and listed as kept).
 */
async function checkExistingTarget(
  fs: WriterFs,
  targetDir: string,
  plannedFiles: readonly PlannedFile[],
  force: boolean,
): Promise<{ files: PlannedFile[]; kept: string[] }> {
  const existing: string[] = [];
  const files: PlannedFile[] = [];
  const kept: string[] = [];
  for (const file of plannedFiles) {
    await assertDirsInsideTarget(fs, targetDir, path.posix.dirname(file.path));
    const stats = await lstatOrUndefined(fs, path.join(targetDir, file.path));
    if (stats?.isDirectory()) {
      throw new WriteError(
        `${file.path} exists in ${targetDir} as a directory; move it away or choose another directory`,
      );
    }
    if (stats && USER_OWNED_FILES.has(file.path)) {
      kept.push(file.path);
      continue;
    }
    if (stats) existing.push(file.path);
    files.push(file);
  }
  if (existing.length > 0 && !force) {
    throw new WriteError(
      `${describeEntries(existing)} already exist${existing.length === 1 ? 's' : ''} in ${targetDir}; ` +
        `pass --force to overwrite ${existing.length === 1 ? 'it' : 'them'}`,
    );
  }
  return { files, kept };
}

/** Every existing directory on the way to a planned file must be a real directory, not a symlink or a file. */
async function assertDirsInsideTarget(fs: WriterFs, targetDir: string, relativeDir: string): Promise<void> {
  if (relativeDir === '.') return;
  let current = targetDir;
  for (const segment of relativeDir.split('/')) {
    current = path.join(current, segment);
    const stats = await lstatOrUndefined(fs, current);
    if (!stats) return;
    if (stats.isSymbolicLink()) {
      throw new WriteError(`${path.relative(targetDir, current)} is a symbolic link; refusing to write through it`);
    }
    if (!stats.isDirectory()) {
      throw new WriteError(`${path.relative(targetDir, current)} exists and is not a directory; move it away first`);
    }
  }
}

/** mkdir -p for the target's parent; returns the topmost directory it created, for rollback. */
async function createMissingParents(fs: WriterFs, dir: string): Promise<string | undefined> {
  let topmostMissing: string | undefined;
  let current = dir;
  for (;;) {
    const stats = await lstatOrUndefined(fs, current);
    if (stats) {
      if (!stats.isDirectory() && !stats.isSymbolicLink()) {
        throw new WriteError(`${current} exists and is not a directory; choose another location`);
      }
      break;
    }
    topmostMissing = current;
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (topmostMissing) await fs.mkdir(dir, { recursive: true });
  return topmostMissing;
}

async function createStagingDir(fs: WriterFs, targetDir: string, randomSuffix?: () => string): Promise<string> {
  const suffix = randomSuffix ?? (() => `${process.pid}-${randomBytes(4).toString('hex')}`);
  for (let attempt = 0; ; attempt++) {
    const staging = stagingDirFor(targetDir, suffix());
    try {
      await fs.mkdir(staging);
      return staging;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt >= 4) throw error;
    }
  }
}

/**
 * After a commit the staging directory is empty, and rmdir is all it takes (on Node 20 a recursive rm first loads
 * a JavaScript implementation of it); after a failure it may hold files, and goes recursively.
 */
async function removeStaging(fs: WriterFs, staging: string): Promise<void> {
  await fs
    .rmdir(staging)
    .catch(() => fs.rm(staging, { recursive: true, force: true }))
    .catch(() => {});
}

/**
 * Each directory once, then every file at once: one after another, the ~80 files of a project spend most of a
 * scaffold's time waiting on the thread pool (a mkdir, open, write and close each). An interrupt stops it between
 * directories; files already in flight land in the staging directory, which is removed.
 */
async function writeStagedFiles(
  fs: WriterFs,
  root: string,
  files: readonly PlannedFile[],
  throwIfAborted: () => void,
): Promise<void> {
  const directories = new Set(files.map((file) => path.dirname(path.join(root, file.path))));
  for (const directory of [...directories].sort()) {
    throwIfAborted();
    await fs.mkdir(directory, { recursive: true });
  }
  throwIfAborted();
  await Promise.all(files.map((file) => writeStagedFile(fs, root, file)));
}

async function writeStagedFile(fs: WriterFs, root: string, file: PlannedFile): Promise<void> {
  const destination = path.join(root, file.path);
  await fs.writeFile(destination, file.contents, file.mode === undefined ? undefined : { mode: file.mode });
  // writeFile's mode is filtered by the umask; an executable script must end up executable.
  if (file.mode !== undefined) await fs.chmod(destination, file.mode);
}

/** rename, falling back to copy + unlink when the target directory is its own mount point. */
async function moveFile(fs: WriterFs, from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if (errorCode(error) !== 'EXDEV') throw error;
    const stats = await fs.lstat(from);
    if (!stats.isFile()) throw error;
    await fs.copyFile(from, to);
    await fs.unlink(from);
  }
}

type JournalEntry = { kind: 'dir'; path: string } | { kind: 'file'; path: string; backup?: string };

async function moveIntoExistingTarget(args: {
  fs: WriterFs;
  stagedProject: string;
  staging: string;
  targetDir: string;
  files: readonly PlannedFile[];
  throwIfAborted: () => void;
}): Promise<{ overwritten: string[]; error?: unknown; keepStaging: boolean }> {
  const { fs, stagedProject, staging, targetDir, files, throwIfAborted } = args;
  const journal: JournalEntry[] = [];
  const overwritten: string[] = [];
  try {
    for (const file of files) {
      throwIfAborted();
      await createDirsInsideTarget(fs, targetDir, path.posix.dirname(file.path), journal);
      const destination = path.join(targetDir, file.path);
      const existing = await lstatOrUndefined(fs, destination);
      if (existing?.isDirectory()) throw new WriteError(`${file.path} became a directory while writing`);
      if (existing) {
        const backup = path.join(staging, 'backup', file.path);
        await fs.mkdir(path.dirname(backup), { recursive: true });
        await moveFile(fs, destination, backup);
        journal.push({ kind: 'file', path: destination, backup });
        overwritten.push(file.path);
      } else {
        journal.push({ kind: 'file', path: destination });
      }
      await moveFile(fs, path.join(stagedProject, file.path), destination);
    }
    throwIfAborted();
    return { overwritten, keepStaging: false };
  } catch (error) {
    const unrestored = await rollBack(fs, journal);
    if (unrestored.length === 0) return { overwritten, error, keepStaging: false };
    const detail =
      `could not restore ${describeEntries(unrestored.map((p) => path.relative(targetDir, p)))}; ` +
      `the originals are kept in ${path.join(staging, 'backup')}`;
    return { overwritten, error: new WriteError(`${messageOf(error)}; ${detail}`), keepStaging: true };
  }
}

async function createDirsInsideTarget(
  fs: WriterFs,
  targetDir: string,
  relativeDir: string,
  journal: JournalEntry[],
): Promise<void> {
  if (relativeDir === '.') return;
  let current = targetDir;
  for (const segment of relativeDir.split('/')) {
    current = path.join(current, segment);
    const stats = await lstatOrUndefined(fs, current);
    if (!stats) {
      await fs.mkdir(current);
      journal.push({ kind: 'dir', path: current });
    } else if (stats.isSymbolicLink() || !stats.isDirectory()) {
      throw new WriteError(
        `${path.relative(targetDir, current)} is not a plain directory; refusing to write through it`,
      );
    }
  }
}

/** Undo the journal newest first; returns the paths whose original could not be put back. */
async function rollBack(fs: WriterFs, journal: JournalEntry[]): Promise<string[]> {
  const unrestored: string[] = [];
  for (const entry of [...journal].reverse()) {
    if (entry.kind === 'dir') {
      await fs.rmdir(entry.path).catch(() => {});
      continue;
    }
    await fs.unlink(entry.path).catch(() => {});
    if (entry.backup) {
      try {
        await moveFile(fs, entry.backup, entry.path);
      } catch {
        unrestored.push(entry.path);
      }
    }
  }
  return unrestored;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

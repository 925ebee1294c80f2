import path from 'node:path';
import type { PlannedFile } from '../core/types.js';
import { errorCode, lstatOrUndefined, type WriterFs } from './fs.js';
import { WriteError, writeProject } from './write-project.js';

/**
 * All-or-nothing patch of an existing project (used by `add`). The plan was computed from the files as they
 * were read; before anything moves, every file is checked to still be exactly that (a file edited since, or a
 * new file that appeared, stops the write), then `writeProject` stages every file and moves them in with
 * backups, rolling back on any failure. Patched files keep their permissions (an executable entry stays
 * executable).
 */

export interface PatchFs extends WriterFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  stat(path: string): Promise<{ mode: number }>;
}

export interface FilePatch {
  /** Relative to the target, posix separators. */
  path: string;
  /** The contents the plan was computed from; undefined for a file that must not exist yet. */
  before?: string;
  after: string;
}

export interface WritePatchOptions {
  fs: PatchFs;
  /** Absolute path of the existing project. */
  targetDir: string;
  changes: readonly FilePatch[];
  signal?: AbortSignal;
  /** The command that computed the change, named in messages (`add` unless given). */
  command?: string;
}

export async function writePatch(options: WritePatchOptions): Promise<{ written: string[] }> {
  const { fs, targetDir, changes } = options;
  const command = options.command ?? 'add';
  const files: PlannedFile[] = [];
  for (const change of changes) {
    const absolute = path.join(targetDir, ...change.path.split('/'));
    const stats = await lstatOrUndefined(fs, absolute).catch(async (error: unknown) => {
      if (errorCode(error) !== 'ENOTDIR') throw error;
      const blocker = await fileInTheWay(fs, targetDir, change.path);
      throw new WriteError(
        `${change.path} goes in a folder, but ${blocker} is a file of yours; ` +
          `move it away and run ${command} again; nothing was changed`,
      );
    });
    if (change.before === undefined) {
      if (stats)
        throw new WriteError(
          `${change.path} appeared while ${command} was running; nothing was changed. Run ${command} again`,
        );
      files.push({ path: change.path, contents: change.after });
      continue;
    }
    if (!stats?.isFile())
      throw new WriteError(
        `${change.path} is missing or not a regular file any more; nothing was changed. Run ${command} again`,
      );
    if ((await readOrUndefined(fs, absolute)) !== change.before) {
      throw new WriteError(
        `${change.path} changed while ${command} was running; nothing was changed. ` +
          `Run ${command} again to see the new diff`,
      );
    }
    files.push({ path: change.path, contents: change.after, mode: (await fs.stat(absolute)).mode & 0o777 });
  }
  const result = await writeProject({
    fs,
    targetDir,
    files,
    force: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { written: result.written };
}

async function readOrUndefined(fs: PatchFs, file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * `writePatch` with Ctrl-C (SIGINT) and SIGTERM turned into a rollback: the writer undoes its moves and
 * rejects with `WriteAbortedError` instead of the process dying with half the files moved.
 */
export async function writePatchInterruptibly(
  options: Omit<WritePatchOptions, 'signal'>,
): Promise<{ written: string[] }> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  try {
    return await writePatch({ ...options, signal: controller.signal });
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

/** The first parent of `relative` that is not a folder: the file of the user's where `relative` needs one. */
async function fileInTheWay(fs: PatchFs, root: string, relative: string): Promise<string> {
  const parts = relative.split('/');
  for (let depth = 1; depth < parts.length; depth += 1) {
    const parent = parts.slice(0, depth).join('/');
    const stats = await lstatOrUndefined(fs, path.join(root, ...parts.slice(0, depth))).catch(() => undefined);
    if (!stats?.isDirectory()) return parent;
  }
  return relative;
}

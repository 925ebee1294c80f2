import type { Stats } from 'node:fs';

/**
 * The slice of `node:fs/promises` the writer uses. Declared by hand (instead of `typeof fsPromises`)
 * so memfs's `fs.promises` fits too, which lets unit tests inject failures without touching the disk.
 */
export interface WriterFs {
  lstat(path: string): Promise<Pick<Stats, 'isDirectory' | 'isFile' | 'isSymbolicLink'>>;
  readdir(path: string): Promise<unknown[]>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown>;
  writeFile(path: string, data: string, options?: { mode?: number }): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
  copyFile(src: string, dest: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** lstat that answers `undefined` for a missing path instead of throwing. */
export async function lstatOrUndefined(fs: WriterFs, path: string) {
  try {
    return await fs.lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'a name is too long',
  ENOTDIR: 'a path component is a file, not a directory',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
  EBUSY: 'a file is busy',
};

/** One line for a file-system error: what went wrong, its code and the path, without a stack trace. */
export function describeFsError(error: unknown): string {
  const code = errorCode(error);
  const filePath = typeof error === 'object' && error !== null && 'path' in error ? String(error.path) : undefined;
  const problem = (code && FS_PROBLEMS[code]) ?? (error instanceof Error ? error.message : String(error));
  return `${problem}${code ? ` (${code}${filePath ? ` at ${filePath}` : ''})` : ''}`;
}

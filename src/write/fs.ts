import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';

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

/**
 * The disk, for the CLI. Each call is synchronous behind the promise interface: a scaffold writes about 80 small
 * files, and a call through libuv's thread pool costs a round trip each way (81 files: 10-17 ms asynchronous, 3-8 ms
 * synchronous on the benchmark machine), as create-vite, which writes synchronously, also finds. An interrupt is
 * still seen: the writer checks for it between steps, and the steps are short.
 */
export const diskFs: WriterFs = {
  lstat: async (path) => lstatSync(path),
  readdir: async (path) => readdirSync(path),
  mkdir: async (path, options) => mkdirSync(path, options),
  writeFile: async (path, data, options) => writeFileSync(path, data, options),
  chmod: async (path, mode) => chmodSync(path, mode),
  rename: async (oldPath, newPath) => renameSync(oldPath, newPath),
  copyFile: async (src, dest) => copyFileSync(src, dest),
  unlink: async (path) => unlinkSync(path),
  rmdir: async (path) => rmdirSync(path),
  rm: async (path, options) => rmSync(path, options),
};

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

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

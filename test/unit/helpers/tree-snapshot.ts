import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Everything under `root` as sorted lines: path, type, permission bits, size, content hash (files)
 * or link target (symlinks), and optionally the modification time. Two equal snapshots mean nothing
 * was added, removed, rewritten or re-permissioned; with `mtimes`, not even created and then removed
 * (a directory's mtime changes when an entry comes and goes).
 */
export async function snapshotTree(root: string, options: { mtimes?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    const full = path.join(root, relative);
    const stats = await lstat(full);
    const mode = (stats.mode & 0o7777).toString(8);
    const mtime = options.mtimes ? ` mtime=${stats.mtimeMs}` : '';
    const shown = relative === '' ? '.' : relative;
    if (stats.isSymbolicLink()) {
      lines.push(`${shown} link ${mode} -> ${await readlink(full)}${mtime}`);
    } else if (stats.isDirectory()) {
      lines.push(`${shown} dir ${mode}${mtime}`);
      for (const entry of (await readdir(full)).sort()) await visit(path.join(relative, entry));
    } else {
      const hash = createHash('sha256')
        .update(await readFile(full))
        .digest('hex')
        .slice(0, 16);
      lines.push(`${shown} file ${mode} ${stats.size}B ${hash}${mtime}`);
    }
  };
  await visit('');
  return lines;
}

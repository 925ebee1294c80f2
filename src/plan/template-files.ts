/**
 * Where the template files come from.
 *
 * Running from source (tests, `tsx`), they are read from templates/ in the repository, so an edit shows at once.
 * The published CLI carries them in its bundle instead: scripts/build.mjs swaps this module for one that embeds
 * every file of templates/ as of the build, in chunks only the commands that render load (`--help` and `doctor`
 * never do). One copy ships, not the sources next to their precompiled form, and a scaffold reads no template file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** templates/history/ holds the templates of earlier versions: never part of a new project. */
export const HISTORY_DIR = 'history';

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Every current template file, keyed by its path under templates/ (posix separators). */
export async function readTemplateFiles(templatesDir = TEMPLATES_DIR): Promise<Map<string, string>> {
  const paths = (await readdir(templatesDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .filter((entry) => relative(templatesDir, entry.parentPath).split(sep)[0] !== HISTORY_DIR)
    .map((entry) => join(entry.parentPath, entry.name));
  const sources = await Promise.all(paths.map((path) => readFile(path, 'utf8')));
  return new Map(paths.map((path, index) => [relative(templatesDir, path).split(sep).join('/'), sources[index]!]));
}

/** The kept templates of an earlier version (templates/history/<version>.json), or undefined if none ship. */
export async function readTemplateHistory(version: string, templatesDir = TEMPLATES_DIR): Promise<string | undefined> {
  try {
    return await readFile(join(templatesDir, HISTORY_DIR, `${version}.json`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

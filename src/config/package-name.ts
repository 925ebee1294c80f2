import path from 'node:path';
import { hasUnsafeCharacters, quoteInput } from './quote-input.js';
import { fail, ok, type Result } from './result.js';

/** npm's limit on package name length. */
const MAX_PACKAGE_NAME_LENGTH = 214;

/**
 * Turn a directory name into a valid (unscoped) npm package name, the way create-vite does:
 * lowercase, accents dropped, whitespace to dashes, no leading dot or underscore, anything else outside [a-z0-9-~._] to
 * a dash.
 * Returns '' when nothing usable remains.
 */
export function toValidPackageName(dirName: string): string {
  return (
    dirName
      .trim()
      .toLowerCase()
      // "Café" → "cafe" rather than "caf": drop accents before dropping what is left.
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/\s+/g, '-')
      .replace(/[^a-z0-9\-~._]+/g, '-')
      .replace(/^[._\-~]+/, '')
      .replace(/-+/g, '-')
      .replace(/[-.]+$/, '')
      .slice(0, MAX_PACKAGE_NAME_LENGTH)
  );
}

export interface TargetDir {
  /** Absolute path. */
  targetDir: string;
  packageName: string;
}

/**
 * Longest directory name we accept, in bytes. File systems allow 255; the staging directory next to
 * the target (`.<name>.create-mcp-oauth-<pid>-<random>`) needs room for its prefix and suffix.
 */
export const MAX_DIR_NAME_BYTES = 200;

/**
 * Resolve the `[dir]` argument against `cwd`. `.` means the current directory and absolute paths are
 * fine (the non-empty check protects existing directories). Refused: the filesystem root, `..`
 * segments (a name that climbs out of the current directory is more often a mistake or an attack
 * than an intent; an absolute path says the same thing unambiguously), control characters (a name
 * with a newline or an escape sequence cannot be typed back or shown safely), and over-long names.
 */
export function resolveTargetDir(input: string, cwd: string): Result<TargetDir> {
  const text = input.trim();
  const shown = quoteInput(text);
  if (text === '') return fail('is empty; expected a directory name like my-mcp-server');
  if (hasUnsafeCharacters(text)) {
    return fail(`${shown} contains control or invisible characters; use a plain directory name like my-mcp-server`);
  }
  if (text.split(/[\\/]/).includes('..')) {
    return fail(`${shown} climbs out of the current directory with ..; cd there first, or pass an absolute path`);
  }
  const targetDir = path.resolve(cwd, text);
  if (targetDir === path.parse(targetDir).root) {
    return fail(`${shown} is the filesystem root; choose a directory for the project, e.g. my-mcp-server`);
  }
  const name = path.basename(targetDir);
  if (Buffer.byteLength(name, 'utf8') > MAX_DIR_NAME_BYTES) {
    return fail(
      `the directory name is too long (${Buffer.byteLength(name, 'utf8')} bytes); use at most ${MAX_DIR_NAME_BYTES}`,
    );
  }
  const packageName = toValidPackageName(name);
  if (packageName === '') {
    return fail(`can't derive a package name from ${quoteInput(name)}; use a directory name with letters or digits`);
  }
  return ok({ targetDir, packageName });
}

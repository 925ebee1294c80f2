import path from 'node:path';
import { fail, ok, type Result } from './result.js';

/** npm's limit on package name length. */
const MAX_PACKAGE_NAME_LENGTH = 214;

/**
 * Turn a directory name into a valid (unscoped) npm package name, the way create-vite does:
 * lowercase, accents dropped, whitespace to dashes, no leading dot or underscore, anything else outside [a-z0-9-~._] to a dash.
 * Returns '' when nothing usable remains.
 */
export function toValidPackageName(dirName: string): string {
  return dirName
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
    .slice(0, MAX_PACKAGE_NAME_LENGTH);
}

export interface TargetDir {
  /** Absolute path. */
  targetDir: string;
  packageName: string;
}

/**
 * Resolve the `[dir]` argument against `cwd`. `.` means the current directory; `..` and absolute
 * paths are fine (the non-empty check protects existing directories). Only the filesystem root is
 * refused outright, since nothing sensible can be scaffolded there.
 */
export function resolveTargetDir(input: string, cwd: string): Result<TargetDir> {
  const text = input.trim();
  if (text === '') return fail('is empty; expected a directory name like my-mcp-server');
  const targetDir = path.resolve(cwd, text);
  if (targetDir === path.parse(targetDir).root) {
    return fail(`"${text}" is the filesystem root; choose a directory for the project, e.g. my-mcp-server`);
  }
  const packageName = toValidPackageName(path.basename(targetDir));
  if (packageName === '') {
    return fail(
      `can't derive a package name from "${path.basename(targetDir)}"; use a directory name with letters or digits`,
    );
  }
  return ok({ targetDir, packageName });
}

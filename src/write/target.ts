import path from 'node:path';
import type { TargetState } from '../core/target-state.js';
import { describeFsError, errorCode, lstatOrUndefined, type WriterFs } from './fs.js';

/**
 * Entries that may sit in a target directory without making it "not empty": editor/OS litter,
 * an existing git repository, and a license chosen before scaffolding. `.gitignore`, README and the
 * like are user content and do count. Staging directories left by an interrupted run (see
 * `isStagingDirName`) count as harmless too: they are ours, not the user's.
 */
export const HARMLESS_ENTRIES: ReadonlySet<string> = new Set([
  '.git',
  '.DS_Store',
  'Thumbs.db',
  'LICENSE',
  '.idea',
  '.vscode',
]);

/**
 * Planned files the writer never overwrites (`.env`): defined with the plan,
 * which also keeps them out of its record.
 */
export { USER_OWNED_FILES } from '../core/user-owned.js';

/** Look at the target directory without changing anything. */
export async function inspectTarget(fs: WriterFs, targetDir: string): Promise<TargetState> {
  let stats: Awaited<ReturnType<typeof lstatOrUndefined>>;
  try {
    stats = await lstatOrUndefined(fs, targetDir);
  } catch (error) {
    return { kind: 'unusable', reason: unusableReason(error, targetDir) };
  }
  if (!stats) return { kind: 'missing' };
  if (stats.isSymbolicLink()) {
    return {
      kind: 'unusable',
      reason: `${targetDir} is a symbolic link; pass the directory it points to instead`,
    };
  }
  if (!stats.isDirectory()) {
    return { kind: 'unusable', reason: `${targetDir} exists and is not a directory; choose another name` };
  }
  let entries: string[];
  try {
    entries = (await fs.readdir(targetDir)).map(String).sort();
  } catch (error) {
    return { kind: 'unusable', reason: unusableReason(error, targetDir) };
  }
  const userEntries = entries.filter((entry) => !HARMLESS_ENTRIES.has(entry) && !isStagingDirName(entry));
  return userEntries.length === 0 ? { kind: 'empty', entries } : { kind: 'not-empty', entries: userEntries };
}

function unusableReason(error: unknown, targetDir: string): string {
  if (errorCode(error) === 'ENOTDIR') {
    return `a parent of ${targetDir} is a file, not a directory; choose another location`;
  }
  return `can't use ${targetDir}: ${describeFsError(error)}`;
}

const STAGING_MARKER = '.create-mcp-oauth-';
/** `.<target name>.create-mcp-oauth-<pid>-<8 hex>`: the pid says which run owns it. */
const STAGING_NAME = /^\..+\.create-mcp-oauth-(\d+)-[0-9a-f]{8}$/;

/** Name of the staging directory: hidden, next to the target, unique per run, naming the owning process. */
export function stagingDirFor(targetDir: string, random: string): string {
  return path.join(path.dirname(targetDir), `.${path.basename(targetDir)}${STAGING_MARKER}${random}`);
}

export function isStagingDirName(entry: string): boolean {
  return STAGING_NAME.test(entry);
}

/** The pid in a staging directory name of `targetDir`, or `undefined` when `entry` is not one. */
export function stagingDirOwner(targetDir: string, entry: string): number | undefined {
  const prefix = `.${path.basename(targetDir)}${STAGING_MARKER}`;
  if (!entry.startsWith(prefix)) return undefined;
  const match = /^(\d+)-[0-9a-f]{8}$/.exec(entry.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/** Planned paths that already exist in the target (read-only; for the dry-run report). */
export async function existingPlannedFiles(
  fs: WriterFs,
  targetDir: string,
  relativePaths: string[],
): Promise<string[]> {
  const existing: string[] = [];
  for (const relativePath of relativePaths) {
    if (await lstatOrUndefined(fs, path.join(targetDir, relativePath))) existing.push(relativePath);
  }
  return existing;
}

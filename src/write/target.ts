import path from 'node:path';
import { lstatOrUndefined, type WriterFs } from './fs.js';

/**
 * Entries that may sit in a target directory without making it "not empty": editor/OS litter,
 * an existing git repository, and a license chosen before scaffolding. `.gitignore`, README and the
 * like are user content and do count.
 */
export const HARMLESS_ENTRIES: ReadonlySet<string> = new Set([
  '.git',
  '.DS_Store',
  'Thumbs.db',
  'LICENSE',
  '.idea',
  '.vscode',
]);

export type TargetState =
  | { kind: 'missing' }
  /** Exists and holds nothing, or only harmless entries (listed). */
  | { kind: 'empty'; entries: string[] }
  /** Exists and holds user content: only `--force` may write into it. */
  | { kind: 'not-empty'; entries: string[] }
  /** Can't be used at all; `reason` says why and how to fix it. */
  | { kind: 'unusable'; reason: string };

/** Look at the target directory without changing anything. */
export async function inspectTarget(fs: WriterFs, targetDir: string): Promise<TargetState> {
  const stats = await lstatOrUndefined(fs, targetDir);
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
  const entries = (await fs.readdir(targetDir)).map(String).sort();
  const userEntries = entries.filter((entry) => !HARMLESS_ENTRIES.has(entry));
  return userEntries.length === 0 ? { kind: 'empty', entries } : { kind: 'not-empty', entries: userEntries };
}

/** A short human list of what is in the way, for error messages. */
export function describeEntries(entries: string[], max = 3): string {
  const shown = entries.slice(0, max).join(', ');
  return entries.length > max ? `${shown} and ${entries.length - max} more` : shown;
}

/** Name of the staging directory: hidden, next to the target, unique per run. */
export function stagingDirFor(targetDir: string, random: string): string {
  return path.join(path.dirname(targetDir), `.${path.basename(targetDir)}.create-mcp-oauth-${random}`);
}

/** Planned paths that already exist in the target (read-only; for the dry-run report). */
export async function existingPlannedFiles(fs: WriterFs, targetDir: string, relativePaths: string[]): Promise<string[]> {
  const existing: string[] = [];
  for (const relativePath of relativePaths) {
    if (await lstatOrUndefined(fs, path.join(targetDir, relativePath))) existing.push(relativePath);
  }
  return existing;
}

import type { Plan, RunOptions } from '../core/types.js';
import { INITIAL_COMMIT_MESSAGE } from '../core/defaults.js';
import { formatCommand, installCommand } from '../core/package-manager.js';
import { shellQuote } from './shell-quote.js';
import { byCodeUnits } from '../core/compare.js';

export interface DryRunInput {
  plan: Plan;
  targetDir: string;
  run: RunOptions;
  /** Whether the target exists now, and which planned files it already has. */
  targetExists: boolean;
  existingFiles: string[];
  /** Planned user-owned files (`.env`) that exist and would be kept as they are. */
  keptFiles?: string[];
}

/** The dry-run report: every file with its size, then every command, in the order they would happen. */
export function describeDryRun(input: DryRunInput): { title: string; lines: string[] }[] {
  const { plan, targetDir, run } = input;
  const files = [...plan.files].sort((a, b) => byCodeUnits(a.path, b.path));
  const width = Math.max(0, ...files.map((file) => file.path.length));
  const total = files.reduce((sum, file) => sum + Buffer.byteLength(file.contents, 'utf8'), 0);
  const overwritten = new Set(input.existingFiles);
  const kept = new Set(input.keptFiles ?? []);

  const fileLines = files.map((file) => {
    const size = formatBytes(Buffer.byteLength(file.contents, 'utf8'));
    let marker = '';
    if (overwritten.has(file.path)) marker = '  (overwrites existing file)';
    else if (kept.has(file.path)) marker = '  (exists: kept, not overwritten)';
    return `${file.path.padEnd(width)}  ${size.padStart(9)}${marker}`;
  });
  fileLines.push(`${files.length} files, ${formatBytes(total)}`);

  const where = input.targetExists ? `into existing ${targetDir}` : `to new directory ${targetDir}`;
  const quotedDir = shellQuote(targetDir);
  const commands: string[] = [];
  if (run.install) commands.push(`(cd ${quotedDir} && ${formatCommand(installCommand(run.packageManager))})`);
  if (run.git) {
    commands.push(`(cd ${quotedDir} && git init && git add -A && git commit -m "${INITIAL_COMMIT_MESSAGE}")`);
    commands.push('  skipped when git is missing or the directory is already inside a git work tree');
  }
  if (commands.length === 0) commands.push('none (--no-install, --no-git)');

  return [
    { title: `Dry run: would write ${files.length} files ${where}`, lines: fileLines },
    { title: 'Would run', lines: commands },
  ];
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

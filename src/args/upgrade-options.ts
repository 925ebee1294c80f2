/**
 * The flags of `create-mcp-oauth upgrade [dir]`, declared and read here (loaded for `upgrade --help` too);
 * the upgrade itself loads only when the command runs.
 */
import type { Command } from 'commander';

/** The flags exactly as typed; `undefined` means not given (src/upgrade/run.ts validates them). */
export interface UpgradeFlags {
  dir?: string;
  packageManager?: string;
  install: boolean;
  gitCheck: boolean;
  allowConflicts: boolean;
  yes: boolean;
  dryRun: boolean;
}

export const UPGRADE_HELP_AFTER = `
What it does: reads .create-mcp-oauth.json (what an earlier version generated, and from which answers),
renders the same answers with this version's templates, and for each file:
  not changed by you, changed by us   replaced
  changed by you, not by us           kept as it is
  changed by both                     merged (three-way, from the file as we wrote it)
  both changed the same lines         a conflict: nothing is written, the conflicts are listed
                                      (--allow-conflicts writes them with <<<<<<< ======= >>>>>>> markers)
  new in this version                 added
  no longer generated                 reported, never deleted
Dependency ranges the new code needs are raised in package.json (never lowered), then installed. The whole
change is shown as a diff and confirmed first; every file is written, or none is. A second run changes nothing.

Without a terminal (or with CI set) nothing is asked: pass --yes to write.

Examples:
  $ npx create-mcp-oauth@latest upgrade                  in the project directory
  $ npx create-mcp-oauth@latest upgrade ./my-server --dry-run
  $ npx create-mcp-oauth@latest upgrade --yes --allow-conflicts && git diff`;

export function defineUpgradeOptions(command: Command): Command {
  const dirArgument = command.registeredArguments[0];
  if (dirArgument) dirArgument.description = 'the project directory (default: the current directory)';
  return command
    .option('--allow-conflicts', 'write files whose merge conflicts, with conflict markers to resolve by hand')
    .option('--package-manager <pm>', 'npm, pnpm, yarn or bun (default: from the lockfile, else the recorded one)')
    .option('--no-install', 'do not install after raising dependency ranges')
    .option('--no-git-check', 'upgrade even when the git work tree has uncommitted changes')
    .option('-y, --yes', 'write without asking')
    .option('--dry-run', 'print the diff, write nothing')
    .addHelpText('after', UPGRADE_HELP_AFTER);
}

export function readUpgradeFlags(dir: string | undefined, options: Record<string, unknown>): UpgradeFlags {
  return {
    ...(dir === undefined ? {} : { dir }),
    ...(typeof options.packageManager === 'string' ? { packageManager: options.packageManager } : {}),
    install: options.install !== false,
    gitCheck: options.gitCheck !== false,
    allowConflicts: options.allowConflicts === true,
    yes: options.yes === true,
    dryRun: options.dryRun === true,
  };
}

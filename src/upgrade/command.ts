/**
 * `create-mcp-oauth upgrade [dir]`: bring a project generated (or patched by `add`) earlier up to date with
 * this version's templates, keeping the user's edits. Only the flags load here; the merge code is a lazy chunk.
 */
import type { Command } from 'commander';
import type { SubcommandContext } from '../args/subcommands.js';
import { defineUpgradeOptions, readUpgradeFlags } from '../args/upgrade-options.js';

export function configure(command: Command, { io, setExitCode }: SubcommandContext): void {
  defineUpgradeOptions(command).action(async (dir: string | undefined, options: Record<string, unknown>) => {
    const flags = readUpgradeFlags(dir, options);
    const { runUpgrade } = await import('./run.js');
    setExitCode(await runUpgrade(flags, io));
  });
}

/**
 * `create-mcp-oauth add [dir]`: give an existing Express or Hono MCP server Scalekit OAuth.
 *
 * This module only wires the flags (src/args/add-options.ts; it is loaded for `add --help` too); the
 * detection, the syntax-tree libraries and the writer load when the command runs.
 */
import type { Command } from 'commander';
import { defineAddOptions, readAddFlags } from '../args/add-options.js';
import type { SubcommandContext } from '../args/subcommands.js';

export function configure(command: Command, { io, setExitCode }: SubcommandContext): void {
  defineAddOptions(command).action(async (dir: string | undefined, options: Record<string, unknown>) => {
    const { runAdd } = await import('./run.js');
    setExitCode(await runAdd(readAddFlags(dir, options), io));
  });
}

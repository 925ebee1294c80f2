import type { Command } from 'commander';
import type { CliIo } from '../core/io.js';

/**
 * What a subcommand module exports. It is imported only when its subcommand is actually invoked
 * (including `<sub> --help`), so the default scaffold path never loads it.
 */
export interface SubcommandModule {
  /** Add the subcommand's options and `.action(...)` to `command` (its name and arguments are already set). */
  configure(command: Command, context: SubcommandContext): void;
}

/**
 * What the CLI hands a subcommand: where to read and write, and how to report a non-zero exit code
 * without throwing. Throwing `CliError` (src/core/errors.ts) prints `error: …` and exits 1;
 * throwing `CancelledError` prints "Cancelled" and exits 130.
 */
export interface SubcommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}

export interface LazySubcommand {
  /** Name and arguments in commander syntax, e.g. `doctor <url>`; shown in the root `--help`. */
  usage: string;
  description: string;
  load: () => Promise<SubcommandModule>;
}

/**
 * Register a subcommand whose code loads on first use. Its options are added by the loaded module
 * in commander's `preSubcommand` hook, which runs before the subcommand parses its own argv.
 */
export function registerLazySubcommand(program: Command, subcommand: LazySubcommand, context: SubcommandContext): void {
  const command = program.command(subcommand.usage).description(subcommand.description);
  let configured = false;
  program.hook('preSubcommand', async (_program, invoked) => {
    if (invoked !== command || configured) return;
    configured = true;
    (await subcommand.load()).configure(command, context);
  });
}

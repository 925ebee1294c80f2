/**
 * The flags of `create-mcp-oauth add [dir]`, next to the scaffold's: the Scalekit, scope and tool inputs are
 * the scaffold's own definitions, so both commands spell and read them the same way.
 */
import type { Command } from 'commander';
import { collect, defineScalekitOptions, readSharedInputFlags, type SharedInputFlags } from './scaffold-options.js';

/** The flags exactly as typed; `undefined` means not given. The Scalekit, scope and tool inputs are the scaffold's. */
export type AddFlags = SharedInputFlags & {
  dir?: string;
  entry?: string;
  install: boolean;
  gitCheck: boolean;
  yes: boolean;
  dryRun: boolean;
  /** Write only the OAuth module (and dependencies, .env.example), and print the lines to paste. */
  filesOnly: boolean;
};

const HELP_AFTER = `
What it does, in order: reads the project (framework, TypeScript or JavaScript, ESM or CommonJS, package
manager, MCP SDK line, the file that mounts the MCP endpoint, the tools it registers), asks for what it
cannot read, then shows the whole change as a unified diff and asks before writing. Every file is written,
or none is. Running it again on a set-up project changes nothing.

Without a terminal (or with CI set) nothing is asked: pass --scalekit-env-url and --resource-id (or --yes for
placeholders), --tool for each tool that needs scopes, and --yes to write.

Examples:
  $ npx create-mcp-oauth add                              in the project directory
  $ npx create-mcp-oauth add ./my-server --dry-run        show the diff, write nothing
  $ npx create-mcp-oauth add --scalekit-env-url https://acme.scalekit.com --resource-id res_123 \\
      --scope notes:read --scope notes:write --tool list_notes=notes:read --tool add_note=notes:write --yes`;

export function defineAddOptions(command: Command): Command {
  const dirArgument = command.registeredArguments[0];
  if (dirArgument) dirArgument.description = 'the project directory (default: the current directory)';
  command
    .option('--entry <file>', 'the file that creates the app and mounts the MCP endpoint, when detection is unsure')
    .option(
      '--mcp-path <path>',
      'the public path of the MCP endpoint, mount prefixes included (e.g. /api/mcp): picks the route ' +
        'when several look like MCP, or states the path under a prefix that is not a literal',
    )
    .option(
      '--base-url <url>',
      'public base URL where hosts reach the server (default: http://localhost:<port the app listens on>)',
    );
  return defineScalekitOptions(command)
    .option('--scope <name[=description]>', 'a scope the server defines; repeat for more', collect)
    .option(
      '--tool <name=scope[,scope...]>',
      'the scopes a registered tool requires, name= for none; repeat for more',
      collect,
    )
    .option(
      '--resource <uri=scope[,scope...]>',
      'the scopes a registered resource (its URI, or URI template) requires; repeat for more',
      collect,
    )
    .option('--prompt <name=scope[,scope...]>', 'the scopes a registered prompt requires; repeat for more', collect)
    .option('--package-manager <pm>', 'npm, pnpm, yarn or bun (default: from the lockfile)')
    .option('--no-install', 'do not install the added dependencies')
    .option('--no-git-check', 'patch even when the git work tree has uncommitted changes')
    .option('-y, --yes', 'use defaults for everything not given, and write without asking')
    .option('--dry-run', 'print the diff, write nothing')
    .option(
      '--files-only',
      'write only the OAuth module files (and dependencies, .env.example), not your code; print the lines to paste',
    )
    .addHelpText('after', HELP_AFTER);
}

export function readAddFlags(dir: string | undefined, options: Record<string, unknown>): AddFlags {
  return {
    dir,
    entry: typeof options.entry === 'string' ? options.entry : undefined,
    ...readSharedInputFlags(options),
    install: options.install !== false,
    gitCheck: options.gitCheck !== false,
    yes: options.yes === true,
    dryRun: options.dryRun === true,
    filesOnly: options.filesOnly === true,
  };
}

/**
 * create-mcp-oauth: argv → validated config → plan → files on disk → install → git → next steps.
 *
 * Heavy or optional code is imported where it is needed, never at the top: @clack/prompts only when
 * we may prompt, the planner (handlebars) only once the config is known, execa only to install or
 * run git, and each subcommand only when it is invoked. `--help` therefore loads commander and
 * little else.
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { defineScaffoldOptions, readScaffoldFlags, type ScaffoldFlags } from './args/scaffold-options.js';
import { registerLazySubcommand, type LazySubcommand, type SubcommandContext } from './args/subcommands.js';
import { resolveScaffold, type ResolvedScaffold } from './config/resolve.js';
import type { Plan } from './core/types.js';
import { formatCommand, installCommand } from './core/package-manager.js';
import { describeDryRun } from './ui/dry-run.js';
import { CancelledError, CliError, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK } from './core/errors.js';
import { nextSteps, workersNodeWarning } from './ui/next-steps.js';
import { createPlainUi } from './ui/plain-ui.js';
import { shellQuote } from './ui/shell-quote.js';
import { colorsFor, whyNotInteractive } from './ui/terminal.js';
import type { CliIo } from './core/io.js';
import type { Ui } from './ui/ui.js';
import { describeEntries } from './core/target-state.js';
import { existingPlannedFiles, inspectTarget, USER_OWNED_FILES } from './write/target.js';
import { diskFs, type WriterFs } from './write/fs.js';
import type { WriteProjectResult } from './write/write-project.js';

/**
 * Subcommands, one line each. `load` is a dynamic import, so a subcommand's code (and its
 * dependencies) loads only when that subcommand runs. The module exports `configure(command, context)`.
 */
const SUBCOMMANDS: LazySubcommand[] = [
  {
    usage: 'add [dir]',
    description: 'add Scalekit OAuth to an existing Express or Hono MCP server',
    load: () => import('./add/command.js'),
  },
  {
    usage: 'upgrade [dir]',
    description: 'bring a project made by an earlier version up to date, keeping your edits',
    load: () => import('./upgrade/command.js'),
  },
  {
    usage: 'doctor <url>',
    description: "check a running server's OAuth setup",
    load: () => import('./doctor/command.js'),
  },
];

/** Entry point used by `bin/create-mcp-oauth.cjs`. */
export async function run(): Promise<void> {
  // `create-mcp-oauth --help | head` closes our stdout early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * Parse `argv` (without node and script), run the command, and return the exit code. `files` is the file
 * system the scaffold inspects and writes through (tests inject one that fails or pauses).
 */
export async function main(
  argv: string[],
  io: CliIo = processIo(),
  subcommands = SUBCOMMANDS,
  files: WriterFs = diskFs,
): Promise<number> {
  let exitCode = EXIT_OK;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  try {
    await createProgram(io, setExitCode, subcommands, files).parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

export function createProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
  subcommands = SUBCOMMANDS,
  files: WriterFs = diskFs,
): Command {
  const errorColors = colorsFor(io.stderr, io.env);
  const program = new Command('create-mcp-oauth')
    .description('Scaffold an MCP server protected by Scalekit OAuth 2.1, for Express or Hono.')
    .version(packageJson.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    // Options after a subcommand's name belong to the subcommand, not to the scaffold.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(errorColors.red(text)),
    })
    .showHelpAfterError('(run create-mcp-oauth --help for all options)');

  defineScaffoldOptions(program).action(async (dir: string | undefined, options: Record<string, unknown>) => {
    setExitCode(await scaffold(readScaffoldFlags(dir, options), io, files));
  });

  const context: SubcommandContext = { io, setExitCode };
  for (const subcommand of subcommands) registerLazySubcommand(program, subcommand, context);
  return program;
}

/** The default command: everything from flags to next steps. Returns the exit code. */
async function scaffold(flags: ScaffoldFlags, io: CliIo, files: WriterFs): Promise<number> {
  const colors = colorsFor(io.stdout, io.env);
  const nonInteractiveReason = whyNotInteractive(io, io.env);
  const ui: Ui = nonInteractiveReason ? createPlainUi(io) : (await import('./ui/clack-ui.js')).createClackUi(colors);

  try {
    ui.intro('create-mcp-oauth');
    const resolved = await resolveScaffold(flags, {
      cwd: io.cwd,
      prompter: ui.prompter,
      nonInteractiveReason,
      inspectTarget: (dir) => inspectTarget(files, dir),
      userAgent: io.env.npm_config_user_agent,
    });
    for (const note of resolved.notes) ui.warn(note);
    const nodeWarning = resolved.config.deploy === 'workers' ? workersNodeWarning(process.versions.node) : undefined;
    if (nodeWarning) ui.warn(nodeWarning);

    const plan = await planFor(resolved);
    if (resolved.run.dryRun) return await reportDryRun(resolved, plan, ui, files);

    const written = await writeInterruptibly(resolved, plan, files);
    reportWrite(written, resolved.config.targetDir, ui);

    const installed = resolved.run.install && (await install(resolved, ui));
    if (resolved.run.git) await initGit(resolved, ui);

    const steps = nextSteps({
      targetDir: resolved.config.targetDir,
      cwd: io.cwd,
      packageManager: resolved.run.packageManager,
      installed,
      placeholders: resolved.placeholders,
      localConfigFile: resolved.config.deploy === 'workers' ? '.dev.vars' : '.env',
    });
    ui.section('Next steps', steps);
    ui.outro(colors.green('Done.'));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CancelledError) {
      ui.cancelled(error.detail);
      return EXIT_CANCELLED;
    }
    throw error;
  }
}

async function planFor({ config, run }: ResolvedScaffold): Promise<Plan> {
  const { loadTemplates, planProject } = await import('./plan/index.js');
  // The package manager only changes how commands are spelled in the generated README and scripts.
  return planProject(config, await loadTemplates(), { packageManager: run.packageManager });
}

async function reportDryRun({ config, run }: ResolvedScaffold, plan: Plan, ui: Ui, files: WriterFs): Promise<number> {
  const state = await inspectTarget(files, config.targetDir);
  const targetExists = state.kind !== 'missing';
  const present = targetExists
    ? await existingPlannedFiles(
        files,
        config.targetDir,
        plan.files.map((f) => f.path),
      )
    : [];
  const keptFiles = present.filter((file) => USER_OWNED_FILES.has(file));
  const existingFiles = present.filter((file) => !USER_OWNED_FILES.has(file));
  if (existingFiles.length > 0 && !run.force) {
    // The real run would refuse (see writeProject), so the dry run says so too.
    throw new CliError(
      `${describeEntries(existingFiles)} already exist in ${config.targetDir}; pass --force to overwrite them`,
    );
  }
  for (const section of describeDryRun({
    plan,
    targetDir: config.targetDir,
    run,
    targetExists,
    existingFiles,
    keptFiles,
  })) {
    ui.section(section.title, section.lines);
  }
  ui.outro('Dry run: nothing was written or run.');
  return EXIT_OK;
}

/** Signals that mean "stop": Ctrl-C, a polite kill, and the terminal going away. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Run `task` with interrupts turned into `abort` calls instead of an immediate exit. */
async function withInterruptsCaught<T>(abort: () => void, task: () => Promise<T>): Promise<T> {
  for (const signal of INTERRUPTS) process.on(signal, abort);
  try {
    return await task();
  } finally {
    for (const signal of INTERRUPTS) process.off(signal, abort);
  }
}

/**
 * Write the plan; an interrupt while writing rolls everything back instead of leaving half a project.
 * An interrupt that lands after the last file is in place (only the staging directory was left to
 * remove) cannot undo the write: the project is complete, and nothing else (install, git) runs.
 */
async function writeInterruptibly(
  { config, run }: ResolvedScaffold,
  plan: Plan,
  files: WriterFs,
): Promise<WriteProjectResult> {
  const controller = new AbortController();
  const written = await withInterruptsCaught(
    () => controller.abort(),
    async () => {
      // Loaded here, not at the top: the writer pulls in node:crypto, which `--help` and `--dry-run` never need.
      const { WriteAbortedError, WriteError, writeProject } = await import('./write/write-project.js');
      try {
        return await writeProject({
          fs: files,
          targetDir: config.targetDir,
          files: plan.files,
          force: run.force,
          signal: controller.signal,
        });
      } catch (error) {
        if (error instanceof WriteError) throw new CliError(`[dir]: ${error.message}`);
        if (error instanceof WriteAbortedError)
          throw new CancelledError('Writing was interrupted and rolled back: the target directory is as it was.');
        throw error;
      }
    },
  );
  if (controller.signal.aborted) {
    throw new CancelledError(
      `the interrupt came after the last file was written: the project is complete in ${config.targetDir}; ` +
        'dependencies were not installed and git was not run',
    );
  }
  return written;
}

function reportWrite(written: WriteProjectResult, targetDir: string, ui: Ui): void {
  for (const leftover of written.removedLeftovers) ui.info(`Removed ${leftover}, left behind by an interrupted run`);
  for (const leftover of written.leftoversWithBackups) {
    ui.warn(
      `${leftover} was left behind by an interrupted run and holds the originals of files it overwrote (in backup/); ` +
        'restore what you need from it, then delete it',
    );
  }
  ui.success(
    `${written.createdTarget ? 'Created' : 'Wrote'} ${written.written.length} files in ${targetDir}` +
      (written.overwritten.length > 0 ? ` (overwrote ${written.overwritten.length})` : ''),
  );
  for (const kept of written.kept) {
    ui.info(`Kept your existing ${kept}: it is never overwritten; compare it with ${kept}.example for new settings`);
  }
}

/**
 * Returns whether dependencies are installed; a failure keeps the project and says how to retry.
 * Ctrl-C during the install keeps the project too (it is complete; only node_modules may be partial):
 * the package manager, in the same process group, stops on the same Ctrl-C; a second one exits at once.
 */
async function install({ config, run }: ResolvedScaffold, ui: Ui): Promise<boolean> {
  const command = formatCommand(installCommand(run.packageManager));
  const kept =
    `the project was kept in ${config.targetDir}. To ` + `finish: cd ${shellQuote(config.targetDir)} && ${command}`;
  const progress = ui.progress(`Installing dependencies (${command})`);
  const { installDependencies } = await import('./install/install.js');
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) {
      process.stderr.write(`Cancelled: ${kept}\n`);
      process.exit(EXIT_CANCELLED);
    }
    interrupted = true;
  };
  const outcome = await withInterruptsCaught(onInterrupt, () =>
    installDependencies(run.packageManager, config.targetDir),
  );
  if (interrupted) {
    progress.fail('Installing dependencies was interrupted');
    throw new CancelledError(kept);
  }
  if (outcome.ok) {
    progress.done('Installed dependencies');
    return true;
  }
  progress.fail('Installing dependencies failed');
  throw new CliError(
    `${outcome.reason}\nThe project was kept in ${config.targetDir}. ` +
      `To retry: cd ${shellQuote(config.targetDir)} && ${outcome.retry}`,
  );
}

async function initGit({ config }: ResolvedScaffold, ui: Ui): Promise<void> {
  const { initGitRepository } = await import('./install/git.js');
  const outcome = await initGitRepository(config.targetDir);
  switch (outcome.kind) {
    case 'committed':
      ui.success('Created a git repository with an initial commit');
      return;
    case 'skipped':
      ui.info(`Skipped git init: ${outcome.reason}`);
      return;
    case 'not-committed':
      ui.warn(`Created a git repository but did not commit: ${outcome.reason}. To commit: ${outcome.fix}`);
      return;
    case 'failed':
      ui.warn(`${outcome.reason} (the project itself is fine)`);
      return;
  }
}

/** One clear line for expected errors; a stack trace only for bugs, and only with DEBUG set. */
function reportError(error: unknown, io: CliIo): number {
  const colors = colorsFor(io.stderr, io.env);
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it (or the help)
  if (error instanceof CancelledError) {
    io.stderr.write(`${colors.red('Cancelled')}\n${error.detail ? `${error.detail}\n` : ''}`);
    return EXIT_CANCELLED;
  }
  if (error instanceof CliError) {
    io.stderr.write(`${colors.red('error:')} ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`${colors.red('error:')} unexpected failure: ${message}\n`);
  if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else io.stderr.write('(set DEBUG=1 to see the stack trace)\n');
  return EXIT_FAILURE;
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    // Read on use: Node creates process.stdin on first access (a stream, and a handle for a pipe), which a run in CI
    // never needs.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
}
